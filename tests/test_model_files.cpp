// Model files read as they are: .npy, .npz, safetensors and plain HDF5, built here byte by byte (or
// with the HDF5 library alone), so every expected value is written down independently.
#include <H5Cpp.h>
#define ONNX_ML 1
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "datasets/model_files.hpp"
#include "tests/hostile/hostile_files.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

std::vector<double> values_of(const Tensor& t) {
  return {t.values.begin(), t.values.end()};
}

void check_refused(const std::function<void()>& read, const std::string& part) {
  try {
    read();
    FAIL("accepted: expected an error with " << part);
  } catch (const std::runtime_error& e) {
    CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, std::string(e.what()));
  }
}

}  // namespace

TEST_CASE(".npy: every float dtype, either byte order, C and Fortran order") {
  TempDir dir;
  write_file(dir / "a.npy",
             npy_file("<f4", "(2, 3)", false, raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6})));
  const ModelTensors a = read_npy(dir / "a.npy", "a");
  REQUIRE(a.tensors.size() == 1);
  CHECK(a.tensors[0].shape == std::vector<std::size_t>{2, 3});
  CHECK(a.tensors[0].dtype == DType::float32);
  CHECK(values_of(a.tensors[0]) == std::vector<double>{1, 2, 3, 4, 5, 6});

  // Fortran order: columns stored one after the other; read back row by row.
  write_file(dir / "f.npy",
             npy_file("<f8", "(2, 3)", true, raw_bytes(std::vector<double>{1, 4, 2, 5, 3, 6})));
  CHECK(values_of(read_npy(dir / "f.npy", "f").tensors[0]) ==
        std::vector<double>{1, 2, 3, 4, 5, 6});

  // Big-endian float64: 1.5 is 3f f8 00 .. 00.
  write_file(dir / "b.npy", npy_file(">f8", "(1,)", false, std::string("\x3f\xf8\0\0\0\0\0\0", 8)));
  CHECK(values_of(read_npy(dir / "b.npy", "b").tensors[0]) == std::vector<double>{1.5});

  // float16 1.0, -2.0 and the smallest subnormal 2^-24, decoded exactly and marked.
  write_file(dir / "h.npy",
             npy_file("<f2", "(3,)", false, std::string("\x00\x3c\x00\xc0\x01\x00", 6)));
  const Tensor h = read_npy(dir / "h.npy", "h").tensors[0];
  CHECK(values_of(h) == std::vector<double>{1.0, -2.0, std::ldexp(1.0, -24)});
  CHECK(h.attributes.at("already_quantized") == "float16");

  // A scalar, and integers (skipped, not read as floats).
  write_file(dir / "s.npy", npy_file("<f8", "()", false, raw_bytes(std::vector<double>{7})));
  CHECK(read_npy(dir / "s.npy", "s").tensors[0].shape.empty());
  write_file(dir / "i.npy", npy_file("<i8", "(2,)", false, raw_bytes(std::vector<long>{1, 2})));
  const ModelTensors i = read_npy(dir / "i.npy", "i");
  CHECK(i.tensors.empty());
  CHECK(i.skipped == std::vector<std::string>{"i ('<i8')"});
}

TEST_CASE(".npy: headers that lie are refused naming the file") {
  TempDir dir;
  const std::string six = raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6});
  const std::pair<std::string, std::string> cases[] = {
      {npy_file("<f4", "(2, 4)", false, six), "needs 32 bytes, the file holds 24"},
      {npy_file("<f4", "(2, 2)", false, six), "needs 16 bytes, the file holds 24"},
      {npy_file("<f4", "(4294967296, 4294967296)", false, six), "more values than a size_t"},
      {npy_file("<f4", "(1099511627776, 1099511627776, 3)", false, six), "more values"},
      {npy_file("<f4", "[2, 3]", false, six), "is not a tuple"},
      {npy_file("<f4", "(2, -3)", false, six), "is not a tuple"},
      {npy_file("[('a', '<f4')]", "(2,)", false, six), "not a plain number type"},
      {std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{}", "its header declares 65535 bytes"},
      {"PK\x03\x04 not numpy", "not a .npy file"},
      {std::string("\x93NUMPY\x07\x00", 8) + "xx", "version 7"},
      {npy_file("<f4", "", false, six), "is not a tuple"},
      {std::string("\x93NUMPY\x02\x00\x70\x11\x01\x00", 12) + std::string(70000, ' '),
       "a header of 70000 bytes is not a .npy header"},
  };
  for (const auto& [bytes, part] : cases) {
    CAPTURE(part);
    write_file(dir / "x.npy", bytes);
    check_refused([&] { read_npy(dir / "x.npy", "x"); }, "x.npy");
    check_refused([&] { read_npy(dir / "x.npy", "x"); }, part);
  }
  check_refused([&] { read_npy(dir / "x.npy", "a/../b"); }, "cannot be stored");
}

TEST_CASE(".npz: stored and deflated members by name, other members skipped") {
  TempDir dir;
  const std::string a = npy_file("<f4", "(2, 2)", false, raw_bytes(std::vector<float>{1, 2, 3, 4}));
  const std::string b = npy_file("<f8", "(3,)", false, raw_bytes(std::vector<double>{-1, 0.5, 8}));
  for (bool deflate : {false, true}) {
    CAPTURE(deflate);
    write_file(
        dir / "m.npz",
        zip_file({{"a.npy", a, deflate},
                  {"layer/b.npy", b, deflate},
                  {"notes.txt", "not a tensor", deflate},
                  {"names.npy", npy_file("<U4", "(1,)", false, std::string(16, '\0')), deflate},
                  {"i.npy", npy_file("<i4", "(1,)", false, "\1\0\0\0"), deflate}}));
    const ModelTensors m = read_npz(dir / "m.npz");
    REQUIRE(m.tensors.size() == 2);
    CHECK(m.tensors[0].name == "a");
    CHECK(m.tensors[0].shape == std::vector<std::size_t>{2, 2});
    CHECK(m.tensors[0].dtype == DType::float32);
    CHECK(values_of(m.tensors[0]) == std::vector<double>{1, 2, 3, 4});
    CHECK(m.tensors[1].name == "layer/b");
    CHECK(values_of(m.tensors[1]) == std::vector<double>{-1, 0.5, 8});
    CHECK(m.skipped ==
          std::vector<std::string>{"notes.txt (not .npy)", "names ('<U4')", "i ('<i4')"});
    CHECK(model_file_format(dir / "m.npz") == ModelFormat::npz);
  }
}

TEST_CASE(".npz: archives that lie are refused naming the file and member") {
  TempDir dir;
  const std::string a = npy_file("<f4", "(4,)", false, raw_bytes(std::vector<float>{1, 2, 3, 4}));
  const std::string zeros = npy_file("<f8", "(100000,)", false, std::string(800000, '\0'));
  ZipMember lying_stored{"a.npy", a};
  lying_stored.declared = static_cast<std::uint32_t>(a.size() + 1000);
  ZipMember lying_deflated{"z.npy", zeros, true};
  lying_deflated.declared = 0xfffffff0u;  // 4 GB from a few hundred bytes
  ZipMember short_deflated{"z.npy", zeros, true};
  short_deflated.declared = 1000;
  ZipMember bad_crc{"a.npy", a};
  bad_crc.crc = 12345;
  const std::pair<std::string, std::string> cases[] = {
      {zip_file({lying_stored}), "a.npy"},
      {zip_file({lying_deflated}), "more than its"},
      {zip_file({short_deflated}), "z.npy"},
      {zip_file({bad_crc}), "a.npy"},
      {zip_file({{"a.npy", npy_file("<f4", "(5,)", false, a.substr(a.size() - 16)), true}}),
       "needs 20 bytes"},
      {zip_file({{"../a.npy", a}}), "cannot be stored"},
      {zip_file({{"a.npy", a}, {"a.npy", a}}), "two members of the archive have the same name"},
      {"PK\x03\x04 and then nothing", "not a readable .npz"},
      {std::string(64, 'x'), "not a readable .npz"},
  };
  for (const auto& [bytes, part] : cases) {
    CAPTURE(part);
    write_file(dir / "x.npz", bytes);
    check_refused([&] { read_npz(dir / "x.npz"); }, "x.npz");
    check_refused([&] { read_npz(dir / "x.npz"); }, part);
  }
}

TEST_CASE("safetensors: F64, F32, F16 and BF16 by name; other dtypes skipped") {
  TempDir dir;
  const std::string data = raw_bytes(std::vector<double>{0.25, -8}) +
                           raw_bytes(std::vector<float>{1, 2, 3, 4}) +
                           std::string("\x00\x3c\x00\xc0", 4) +  // F16 1, -2
                           std::string("\x80\x3f\x40\xc0", 4) +  // BF16 1, -3
                           std::string(8, '\x01');               // I64
  write_file(dir / "m.safetensors",
             safetensors_file(R"({"__metadata__":{"format":"pt"},)"
                              R"("d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},)"
                              R"("layer/w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},)"
                              R"("h":{"dtype":"F16","shape":[2],"data_offsets":[32,36]},)"
                              R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[36,40]},)"
                              R"("steps":{"dtype":"I64","shape":[],"data_offsets":[40,48]}})",
                              data));
  const ModelTensors m = read_safetensors(dir / "m.safetensors");
  REQUIRE(m.tensors.size() == 4);
  std::map<std::string, const Tensor*> by_name;
  for (const auto& t : m.tensors) by_name[t.name] = &t;
  CHECK(values_of(*by_name.at("d")) == std::vector<double>{0.25, -8});
  CHECK(by_name.at("d")->dtype == DType::float64);
  CHECK(values_of(*by_name.at("layer/w")) == std::vector<double>{1, 2, 3, 4});
  CHECK(by_name.at("layer/w")->shape == std::vector<std::size_t>{2, 2});
  CHECK(values_of(*by_name.at("h")) == std::vector<double>{1, -2});
  CHECK(values_of(*by_name.at("b")) == std::vector<double>{1, -3});
  CHECK(by_name.at("b")->attributes.at("already_quantized") == "bfloat16");
  CHECK(m.skipped == std::vector<std::string>{"steps (I64)"});
}

TEST_CASE("safetensors: headers that lie are refused naming the file and tensor") {
  TempDir dir;
  const std::string data(16, '\0');
  const std::pair<std::string, std::string> cases[] = {
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,20]}})", data),
       "tensor 'w': data_offsets [0, 20] are outside the 16 data bytes"},
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}})", data),
       "6 F32 values need 24 bytes"},
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],)"
                        R"("data_offsets":[0,16]}})",
                        data),
       "more values than a size_t"},
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,16]}})", data),
       "not a non-negative integer"},
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,4]}})", data),
       "are outside"},
      {safetensors_file(R"({"w":{"dtype":"F32","shape":[4]}})", data), "needs a dtype"},
      {safetensors_file(R"({"w": [1, 2]})", data), "needs a dtype"},
      {safetensors_file("[1, 2]", data), "not a JSON object"},
      {safetensors_file("{\"w\": ", data), "not JSON"},
      {std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10), "its header declares"},
      {"abc", "too short"},
      {safetensors_file(R"({"..":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data),
       "cannot be stored"},
      {safetensors_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                        data),
       "overlap another tensor's"},
  };
  for (const auto& [bytes, part] : cases) {
    CAPTURE(part);
    write_file(dir / "x.safetensors", bytes);
    check_refused([&] { read_safetensors(dir / "x.safetensors"); }, "x.safetensors");
    check_refused([&] { read_safetensors(dir / "x.safetensors"); }, part);
  }
}

TEST_CASE("any HDF5 file: every floating dataset by its path, without quantlab's attributes") {
  TempDir dir;
  {
    H5::H5File file(dir / "keras.h5", H5F_ACC_TRUNC);
    H5::Group g = file.createGroup("model_weights");
    H5::Group dense = g.createGroup("dense");
    const hsize_t dims[2] = {2, 3};
    const float w[6] = {1, 2, 3, 4, 5, 6};
    dense.createDataSet("kernel:0", H5::PredType::IEEE_F32LE, H5::DataSpace(2, dims))
        .write(w, H5::PredType::NATIVE_FLOAT);
    const hsize_t one = 1;
    const int epochs = 7;
    file.createDataSet("epochs", H5::PredType::STD_I32LE, H5::DataSpace(1, &one))
        .write(&epochs, H5::PredType::NATIVE_INT);
    // A dataset of 2^40 values that was never written: nothing stored to read it from.
    const hsize_t huge = hsize_t{1} << 40;
    H5::DSetCreatPropList chunked;
    const hsize_t chunk = 1024;
    chunked.setChunk(1, &chunk);
    file.createDataSet("empty", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &huge), chunked);
  }
  CHECK(model_file_format(dir / "keras.h5") == ModelFormat::hdf5);
  check_refused([&] { read_hdf5_datasets(dir / "keras.h5"); },
                "dataset 'empty' declares 1099511627776 values but stores 0 bytes");
  {
    H5::H5File file(dir / "keras.h5", H5F_ACC_RDWR);
    file.unlink("empty");
  }
  const ModelTensors m = read_hdf5_datasets(dir / "keras.h5");
  REQUIRE(m.tensors.size() == 1);
  CHECK(m.tensors[0].name == "model_weights/dense/kernel:0");
  CHECK(m.tensors[0].shape == std::vector<std::size_t>{2, 3});
  CHECK(m.tensors[0].dtype == DType::float32);
  CHECK(values_of(m.tensors[0]) == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(m.skipped == std::vector<std::string>{"epochs (not floating point)"});
  {
    // A hard link back to a parent (a cycle) and a second name of the kernel: the walk
    // visits each object once.
    H5::H5File file(dir / "keras.h5", H5F_ACC_RDWR);
    H5Lcreate_hard(file.getId(), "/model_weights", file.getId(), "/model_weights/dense/loop",
                   H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_hard(file.getId(), "/model_weights/dense/kernel:0", file.getId(), "/alias",
                   H5P_DEFAULT, H5P_DEFAULT);
  }
  CHECK(read_hdf5_datasets(dir / "keras.h5").tensors.size() == 1);
  write_file(dir / "not.h5", "not an HDF5 file");
  CHECK(!model_file_format(dir / "not.h5"));
  check_refused([&] { read_hdf5_datasets(dir / "not.h5"); }, "not.h5: not an HDF5 file");
}

namespace {

onnx::TensorProto* initializer(onnx::ModelProto& m, const std::string& name, int type,
                               std::vector<std::int64_t> dims) {
  onnx::TensorProto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (auto d : dims) t->add_dims(d);
  return t;
}

void save(const onnx::ModelProto& m, const std::string& path) {
  std::string bytes;
  REQUIRE(m.SerializeToString(&bytes));
  write_file(path, bytes);
}

}  // namespace

TEST_CASE("ONNX: initializers from raw_data, the typed fields and external data files") {
  TempDir dir;
  onnx::ModelProto m;
  initializer(m, "conv/w", onnx::TensorProto_DataType_FLOAT, {2, 2})
      ->set_raw_data(raw_bytes(std::vector<float>{1, 2, 3, 4}));
  auto* f = initializer(m, "f", onnx::TensorProto_DataType_FLOAT, {3});
  for (float v : {0.5f, -1.5f, 2.0f}) f->add_float_data(v);
  auto* d = initializer(m, "d", onnx::TensorProto_DataType_DOUBLE, {2});
  for (double v : {0.1, -7.0}) d->add_double_data(v);
  auto* h = initializer(m, "h", onnx::TensorProto_DataType_FLOAT16, {2});
  h->add_int32_data(0x3c00), h->add_int32_data(0xc000);  // 1, -2
  auto* x = initializer(m, "big/w", onnx::TensorProto_DataType_FLOAT, {3});
  x->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  for (const auto& [k, v] : std::map<std::string, std::string>{
           {"location", "weights.bin"}, {"offset", "4"}, {"length", "12"}}) {
    auto* e = x->add_external_data();
    e->set_key(k), e->set_value(v);
  }
  write_file(dir / "weights.bin", raw_bytes(std::vector<float>{9, 10, 11, 12}));
  initializer(m, "shape", onnx::TensorProto_DataType_INT64, {2})->add_int64_data(3);
  // A weight kept in a Constant node (as paddle2onnx exports), named by its output.
  onnx::NodeProto* constant = m.mutable_graph()->add_node();
  constant->set_op_type("Constant");
  constant->add_output("conv2/w");
  onnx::AttributeProto* value = constant->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto_DataType_FLOAT);
  value->mutable_t()->add_dims(1);
  value->mutable_t()->add_float_data(-0.25f);
  save(m, dir / "model.onnx");
  CHECK(model_file_format(dir / "model.onnx") == ModelFormat::onnx);
  const ModelTensors r = read_onnx(dir / "model.onnx");
  std::map<std::string, std::vector<double>> got;
  for (const auto& t : r.tensors) got[t.name] = values_of(t);
  CHECK(got == std::map<std::string, std::vector<double>>{{"conv/w", {1, 2, 3, 4}},
                                                          {"f", {0.5, -1.5, 2}},
                                                          {"d", {0.1, -7}},
                                                          {"h", {1, -2}},
                                                          {"big/w", {10, 11, 12}},
                                                          {"conv2/w", {-0.25}}});
  CHECK(r.skipped == std::vector<std::string>{"shape (INT64)"});
  CHECK(r.tensors[0].shape == std::vector<std::size_t>{2, 2});
}

TEST_CASE("ONNX: sizes that disagree and paths that leave the folder are refused") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "model");
  write_file(dir / "outside.bin", std::string(64, '\0'));
  const auto external = [](onnx::TensorProto* t, const std::string& location,
                           const std::string& length) {
    t->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    auto* e = t->add_external_data();
    e->set_key("location"), e->set_value(location);
    if (!length.empty()) {
      auto* l = t->add_external_data();
      l->set_key("length"), l->set_value(length);
    }
  };
  const std::vector<std::pair<std::function<void(onnx::ModelProto&)>, std::string>> cases = {
      {[](onnx::ModelProto& m) {
         initializer(m, "w", 1, {2, 3})->set_raw_data(std::string(20, '\0'));
       },
       "raw_data of 20 bytes, its shape needs 24"},
      {[](onnx::ModelProto& m) {
         initializer(m, "w", 1, {2, -3});
       },
       "dimension -3 is negative"},
      {[](onnx::ModelProto& m) {
         initializer(m, "w", 1, {1LL << 40, 1LL << 40})->set_raw_data("x");
       },
       "more values than a size_t"},
      {[](onnx::ModelProto& m) { initializer(m, "w", 1, {4})->add_float_data(1); },
       "float_data holds 1 values, its shape 4"},
      {[&](onnx::ModelProto& m) { external(initializer(m, "w", 1, {4}), "../outside.bin", ""); },
       "leads out of the folder"},
      {[&](onnx::ModelProto& m) {
         external(initializer(m, "w", 1, {4}), (dir.path / "outside.bin").string(), "");
       },
       "is an absolute path"},
      {[&](onnx::ModelProto& m) { external(initializer(m, "w", 1, {4}), "missing.bin", ""); },
       "missing.bin"},
      {[&](onnx::ModelProto& m) { external(initializer(m, "w", 1, {4}), "data.bin", "8"); },
       "external data of 8 bytes, its shape needs 16"},
      {[&](onnx::ModelProto& m) { external(initializer(m, "w", 1, {1000}), "data.bin", ""); },
       "holds 16 bytes, not 4000"},
      {[&](onnx::ModelProto& m) {
         for (int i = 0; i < 2; ++i)
           external(initializer(m, "w" + std::to_string(i), 1, {4}), "data.bin", "");
       },
       "is read more than once over"},
  };
  write_file(dir / "model/data.bin", std::string(16, '\0'));
  for (const auto& [build, part] : cases) {
    CAPTURE(part);
    onnx::ModelProto m;
    build(m);
    save(m, dir / "model/m.onnx");
    check_refused([&] { read_onnx(dir / "model/m.onnx"); }, "m.onnx");
    check_refused([&] { read_onnx(dir / "model/m.onnx"); }, part);
  }
  write_file(dir / "model/m.onnx", "\xff\xff\xff not a protobuf");
  check_refused([&] { read_onnx(dir / "model/m.onnx"); }, "is not an ONNX model");
}
