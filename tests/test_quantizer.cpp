// The quantizer's public entry points validate their input for every registered algorithm:
// no call site can hand an algorithm empty, non-finite or mis-weighted data.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "algorithms/registry.hpp"

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
