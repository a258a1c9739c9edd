// The quantizer's public entry points validate their input for every registered algorithm:
// no call site can hand an algorithm empty, non-finite or mis-weighted data.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "algorithms/registry.hpp"
#include "algorithms/value_range.hpp"

using namespace quantlab;

namespace {

// A level count the algorithm accepts, and parameters that satisfy its rules (the two
// rate-or-step methods get a rate).
std::size_t usable_levels(const AlgorithmInfo& info, Parameters& parameters) {
  if (info.parameters_rule && !info.parameters_rule(parameters).empty())
    parameters = Parameters(info.parameters, {{"rate", 1.0}});
  for (std::size_t K = 2; K < 64; ++K)
    if (rule_violation(info, parameters, K).empty()) return K;
  return 0;
}

}  // namespace

TEST_CASE("every registered quantizer refuses unusable input at its public entry points") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  arma::vec good(64);
  for (std::size_t i = 0; i < good.n_elem; ++i) good[i] = std::sin(0.7 * static_cast<double>(i));
  for (const AlgorithmInfo& info : algorithms()) {
    CAPTURE(info.name);
    Parameters parameters(info.parameters, {});
    const std::size_t K = usable_levels(info, parameters);
    REQUIRE(K > 0);
    const auto quantizer = info.make(parameters);
    Generator generator(1);
    // The good input goes through all three entry points.
    CHECK(quantizer->quantize(good, {}, K, generator).reconstruction.n_elem == good.n_elem);
    CHECK(quantizer->quantize_matrix(good, 8, 8, {}, K, generator).reconstruction.n_elem == 64);
    CHECK(quantizer->quantize_from(good, {}, K, generator, {}).reconstruction.n_elem == 64);
    arma::vec with_nan = good, with_inf = good;
    with_nan[5] = nan;
    with_inf[63] = -inf;
    const arma::vec short_weights(10, arma::fill::ones);
    arma::vec zero_weight(64, arma::fill::ones);
    zero_weight[3] = 0;
    CHECK_THROWS_WITH_AS(quantizer->quantize(arma::vec(), {}, K, generator), "the data are empty",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(quantizer->quantize(with_nan, {}, K, generator),
                         doctest::Contains("non-finite value (nan at index 5)"),
                         std::invalid_argument);
    CHECK_THROWS_AS(quantizer->quantize_from(with_inf, {}, K, generator, {}),
                    std::invalid_argument);
    CHECK_THROWS_AS(quantizer->quantize_matrix(with_nan, 8, 8, {}, K, generator),
                    std::invalid_argument);
    CHECK_THROWS_WITH_AS(quantizer->quantize(good, short_weights, K, generator),
                         "there are 10 weights for 64 values", std::invalid_argument);
    CHECK_THROWS_WITH_AS(quantizer->quantize(good, zero_weight, K, generator),
                         "weight 3 is not a positive finite number", std::invalid_argument);
    CHECK_THROWS_AS(quantizer->quantize(good, {}, 0, generator), std::invalid_argument);
    CHECK_THROWS_WITH_AS(quantizer->quantize_matrix(good, 8, 7, {}, K, generator),
                         "a 8 x 7 matrix cannot hold 64 values", std::invalid_argument);
  }
}

TEST_CASE("every value of every option builds a quantizer that runs") {
  // Options are enums converted at the registry boundary: a value without a conversion (or a
  // kashin factor quantizer that is not registered) would throw or crash here.
  arma::vec good(64);
  for (std::size_t i = 0; i < good.n_elem; ++i) good[i] = std::cos(0.3 * static_cast<double>(i));
  std::size_t built = 0;
  for (const AlgorithmInfo& info : algorithms())
    for (const ParameterSpec& spec : info.parameters) {
      if (spec.type != ParameterType::choice) continue;
      for (const std::string& value : spec.choices) {
        CAPTURE(info.name + " " + spec.name + "=" + value);
        Parameters parameters(info.parameters, {{spec.name, value}});
        std::size_t K = 2;
        while (K < 64 && !rule_violation(info, parameters, K).empty()) ++K;
        REQUIRE(K < 64);
        Generator generator(2);
        const Quantized q = info.make(parameters)->quantize_matrix(good, 8, 8, {}, K, generator);
        CHECK(q.reconstruction.is_finite());
        CHECK(q.reconstruction.n_elem == good.n_elem);
        ++built;
      }
    }
  CHECK(built >= 30);
}

TEST_CASE("an option's table converts both ways and names every value") {
  enum class Colour { red, green };
  static constexpr OptionName<Colour> colours[] = {{Colour::red, "red"}, {Colour::green, "green"}};
  CHECK(std::string(option_name(Colour::green, colours)) == "green");
  CHECK(option_value("red", colours) == Colour::red);
  CHECK(!option_value("blue", colours));
  CHECK(option_list(colours) == "red, green");
  const ParameterSpec spec = option_parameter("colour", Colour::green, colours, "a colour");
  CHECK(spec.choices == std::vector<std::string>{"red", "green"});
  CHECK(std::get<std::string>(spec.default_value) == "green");
  CHECK(Parameters({spec}, {}).option("colour", colours) == Colour::green);
  CHECK(Parameters({spec}, {{"colour", std::string("red")}}).option("colour", colours) ==
        Colour::red);
  CHECK(spec.reject(std::string("blue")));
}

namespace {

// A quantizer that returns what it is told: a broken result must never pass the entry point.
class Returns : public Quantizer {
 public:
  explicit Returns(Quantized q) : q_(std::move(q)) {}

 private:
  Quantized quantize_values(const arma::vec&, const arma::vec&, std::size_t,
                            Generator&) const override {
    return q_;
  }
  Quantized q_;
};

}  // namespace

TEST_CASE("a quantizer's output is checked before anyone records it") {
  const arma::vec x = {1, 2, 3};
  Quantized good;
  good.reconstruction = {1, 1, 3};
  good.codebook = {1, 3};
  good.indices = {0, 0, 1};
  Generator g(0);
  CHECK(Returns(good).quantize(x, {}, 2, g).reconstruction.n_elem == 3);
  Quantized q = good;
  q.reconstruction = {1, 1};
  CHECK_THROWS_WITH_AS(Returns(q).quantize(x, {}, 2, g), "the quantizer returned 2 values for 3",
                       std::runtime_error);
  q = good;
  q.reconstruction[1] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(Returns(q).quantize(x, {}, 2, g), doctest::Contains("non-finite value"));
  q = good;
  q.codebook[0] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(Returns(q).quantize(x, {}, 2, g), doctest::Contains("codebook"));
  q = good;
  q.indices[2] = 2;
  CHECK_THROWS_WITH(Returns(q).quantize(x, {}, 2, g),
                    "the quantizer returned index 2 for 2 codewords");
  q = good;
  q.indices = {0, 1};
  CHECK_THROWS_WITH(Returns(q).quantize(x, {}, 2, g), doctest::Contains("2 indices for 3"));
  q = good;
  q.codewords = 1;  // codewords that are not scalar levels: the indices address q.codewords
  CHECK_THROWS_AS(Returns(q).quantize(x, {}, 2, g), std::runtime_error);
}

TEST_CASE("data beyond the range whose squares stay finite are refused at the entry point") {
  Generator g(0);
  const auto quantizer =
      find_algorithm("gf")->make(Parameters(find_algorithm("gf")->parameters, {}));
  for (double v : {1e306, -1e154, 1e-162}) {
    const arma::vec x = {0.5, v, 1.0, 0.0};
    CHECK_THROWS_WITH_AS(quantizer->quantize(x, {}, 4, g),
                         doctest::Contains("outside [1e-100, 1e100]"), std::invalid_argument);
  }
  // Zero and the ends of the range are fine.
  CHECK(quantizer->quantize(arma::vec{0, 1e100, -1e-100, 3}, {}, 4, g).reconstruction.is_finite());
}

TEST_CASE("the one-pass range check agrees with the range's definition value by value") {
  // Every value of a block of edge cases and random bit patterns, alone among in-range values
  // (at positions on both sides of a 2048-value block's edge).
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> cases = {0.0,
                               -0.0,
                               1e100,
                               -1e100,
                               1e-100,
                               -1e-100,
                               std::nextafter(1e100, inf),
                               std::nextafter(1e-100, 0.0),
                               std::numeric_limits<double>::denorm_min(),
                               inf,
                               -inf,
                               std::numeric_limits<double>::quiet_NaN(),
                               1.0,
                               -3.5e-7};
  Generator g(3);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t bits = g.next();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    cases.push_back(v);
  }
  for (const double v : cases) {
    const double a = std::abs(v);
    const bool in_range = std::isfinite(v) && (a == 0 || (a >= 1e-100 && a <= 1e100));
    for (const arma::uword at : {arma::uword{0}, arma::uword{2047}, arma::uword{2048}}) {
      arma::vec x(3000, arma::fill::ones);
      x[at] = v;
      CHECK(values_in_range(x) == in_range);
      CHECK(value_range_problem(x).empty() == in_range);
    }
  }
}

TEST_CASE("every registered quantizer commutes with scaling the data by a power of two") {
  // Scaling by 2^k changes no rounding (as long as nothing overflows or underflows), so any
  // difference is an absolute constant or an overflowing product inside the algorithm.
  Generator data(7);
  arma::vec x(300);
  for (double& v : x) v = data.laplace();
  for (const AlgorithmInfo& info : algorithms()) {
    // The fixed codebooks (paper 4: {-1, 1}; 0 and ±2^-j) do not scale by definition.
    if (info.name == "sign" || info.name == "powers_of_two") continue;
    Parameters parameters(info.parameters, {});
    const std::size_t K = usable_levels(info, parameters);
    REQUIRE(K > 0);
    const auto quantizer = info.make(parameters);
    for (const std::size_t levels : {K, std::size_t{4}, std::size_t{8}}) {
      if (!rule_violation(info, parameters, levels).empty()) continue;
      Generator g1(3);
      const Quantized unit = quantizer->quantize(x, {}, levels, g1);
      for (const int k : {-300, -100, -30, 30, 100, 300}) {
        CAPTURE(info.name);
        CAPTURE(levels);
        CAPTURE(k);
        Generator g2(3);
        const Quantized scaled = quantizer->quantize(x * std::ldexp(1.0, k), {}, levels, g2);
        CHECK(arma::all(scaled.indices == unit.indices));
        CHECK(arma::approx_equal(scaled.reconstruction, unit.reconstruction * std::ldexp(1.0, k),
                                 "absdiff", 0.0));
      }
    }
  }
}
