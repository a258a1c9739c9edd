// The dataset format: round trips, checksums, synthetic reproducibility, bad files.
#include <H5Cpp.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "datasets/dataset_file.hpp"
#include "datasets/synthetic.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using quantlab::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("tensors round-trip with shape, dtype, values and attributes") {
  TempDir dir;
  Tensor a;
  a.name = "layer1/kernel";
  a.shape = {2, 3};
  a.dtype = DType::float32;
  a.values = arma::vec("0.5 -1.25 3 4 5.5 1e-3");
  a.values[5] = static_cast<float>(1e-3);  // exact in float32
  a.attributes = {{"source", "test"}, {"licence", "MIT"}};
  Tensor b;
  b.name = "scalar";
  b.values = arma::vec{M_PI};
  write_dataset_file(dir / "d.h5", {a, b});
  CHECK(list_tensors(dir / "d.h5") == std::vector<std::string>{"layer1/kernel", "scalar"});
  const Tensor r = read_tensor(dir / "d.h5", "layer1/kernel");
  CHECK(r.shape == a.shape);
  CHECK(r.dtype == DType::float32);
  CHECK(arma::approx_equal(r.values, a.values, "absdiff", 0));
  CHECK(r.attributes.at("source") == "test");
  CHECK(r.checksum() == a.checksum());
  const Tensor s = read_tensor(dir / "d.h5", "scalar");
  CHECK(s.shape.empty());
  CHECK(s.values[0] == M_PI);
}

TEST_CASE("a checksum is the SHA-256 of the values' little-endian IEEE-754 bytes") {
  // Expected digests from Python's hashlib over struct.pack('<2d' and '<2f', 1.0, -2.0).
  Tensor t;
  t.name = "x";
  t.shape = {2};
  t.values = arma::vec("1 -2");
  CHECK(t.checksum() == "sha256:7886fe67ba4484d889aa8ec41f0b242f914fbf6bae1be2ed23f56a007e3547b0");
  t.dtype = DType::float32;
  CHECK(t.checksum() == "sha256:ee4ac73c2bd27756ab82780f27c73a7bc4d3f0bb6acb37e008bc27eccd7e588b");
}

TEST_CASE("the checksum covers the stored bytes and catches damage") {
  TempDir dir;
  Tensor t;
  t.name = "x";
  t.shape = {4};
  t.values = arma::vec("1 2 3 4");
  Tensor single = t;
  single.dtype = DType::float32;
  CHECK(t.checksum() != single.checksum());
  write_dataset_file(dir / "d.h5", {t});
  {
    H5::H5File file(dir / "d.h5", H5F_ACC_RDWR);
    const double changed[4] = {1, 2, 3, 5};
    file.openDataSet("x").write(changed, H5::PredType::NATIVE_DOUBLE);
  }
  CHECK_THROWS_WITH(read_tensor(dir / "d.h5", "x"),
                    doctest::Contains("does not match its checksum"));
}

TEST_CASE("a synthetic spec and seed give the same bytes; another seed does not") {
  SyntheticSpec spec;
  spec.distribution = "student_t";
  spec.n = 1000;
  spec.seed = 17;
  spec.parameters["nu"] = {4};
  const Tensor a = make_synthetic("t", spec), b = make_synthetic("t", spec);
  CHECK(a.checksum() == b.checksum());
  spec.seed = 18;
  CHECK(make_synthetic("t", spec).checksum() != a.checksum());
  spec.dtype = DType::float32;
  const Tensor f = make_synthetic("t", spec);
  for (double v : f.values) CHECK(v == static_cast<double>(static_cast<float>(v)));
}

TEST_CASE("integer_bits rounds each draw to the nearest integer, clipped like 8-bit pixels") {
  SyntheticSpec spec;
  spec.n = 5000;
  spec.seed = 3;
  spec.parameters = {{"mean", {128}}, {"std", {80}}};
  const arma::vec raw = make_synthetic("t", spec).values;
  spec.integer_bits = 8;
  const arma::vec pixels = make_synthetic("t", spec).values;
  for (std::size_t i = 0; i < raw.n_elem; ++i) {
    const double expected = raw[i] < 0 ? 0 : raw[i] > 255 ? 255 : std::floor(raw[i] + 0.5);
    CHECK(pixels[i] == expected);
  }
  CHECK(arma::vec(arma::unique(pixels)).n_elem <= 256);
  spec.integer_bits = 40;
  CHECK_THROWS_WITH(validate(spec), doctest::Contains("integer_bits"));
}

TEST_CASE("every distribution draws what its parameters say") {
  auto stats = [](const std::string& d, std::map<std::string, std::vector<double>> p) {
    SyntheticSpec spec;
    spec.distribution = d;
    spec.n = 200000;
    spec.seed = 1;
    spec.parameters = std::move(p);
    const arma::vec x = make_synthetic("x", spec).values;
    return std::make_pair(arma::mean(x), arma::var(x));
  };
  auto [m1, v1] = stats("gaussian", {{"mean", {2}}, {"std", {3}}});
  CHECK(m1 == doctest::Approx(2).epsilon(0.01));
  CHECK(v1 == doctest::Approx(9).epsilon(0.02));
  auto [m2, v2] = stats("uniform", {{"low", {0}}, {"high", {6}}});
  CHECK(m2 == doctest::Approx(3).epsilon(0.01));
  CHECK(v2 == doctest::Approx(3).epsilon(0.02));
  auto [m3, v3] = stats("laplace", {{"loc", {1}}, {"scale", {2}}});
  CHECK(m3 == doctest::Approx(1).epsilon(0.02));
  CHECK(v3 == doctest::Approx(8).epsilon(0.03));
  auto [m4, v4] =
      stats("gaussian_mixture", {{"weights", {1, 3}}, {"means", {-4, 4}}, {"stds", {1, 1}}});
  CHECK(m4 == doctest::Approx(2).epsilon(0.02));       // 0.25(-4) + 0.75(4)
  CHECK(v4 == doctest::Approx(1 + 12).epsilon(0.02));  // 1 + 0.25*0.75*64
}

TEST_CASE("bad specs and files get one-line messages") {
  SyntheticSpec spec;
  spec.distribution = "cauchy";
  spec.n = 10;
  CHECK_THROWS_WITH(validate(spec), doctest::Contains("unknown distribution 'cauchy'"));
  spec.distribution = "gaussian";
  spec.parameters["nu"] = {3};
  CHECK_THROWS_WITH(validate(spec), "unknown parameter 'nu' of gaussian (allowed: mean, std)");
  CHECK_THROWS_WITH(list_tensors("/nonexistent/file.h5"),
                    "dataset file /nonexistent/file.h5 does not exist");
  TempDir dir;
  Tensor t;
  t.name = "x";
  t.shape = {1};
  t.values = arma::vec{1.0};
  write_dataset_file(dir / "d.h5", {t});
  CHECK_THROWS_WITH(read_tensor(dir / "d.h5", "y"), doctest::Contains("has no tensor 'y'"));
  Tensor bad = t;
  bad.values = arma::vec{1.0, NAN, 2.0, NAN};
  CHECK_THROWS_WITH(bad.check_values("here"),
                    "here: tensor 'x' has 2 NaN or Inf values (the first at flat index 1)");
}
