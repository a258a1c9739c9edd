// The networks module: every layer's and both models' gradients against central finite
// differences, the layers against direct computations, reproducible training, model files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "algorithms/generator.hpp"
#include "algorithms/kmeans.hpp"
#include "algorithms/registry.hpp"
#include "datasets/dataset_file.hpp"
#include "networks/activation_quantization.hpp"
#include "networks/codeword_fine_tuning.hpp"
#include "networks/importance.hpp"
#include "networks/layers.hpp"
#include "networks/learning_compression.hpp"
#include "networks/model_file.hpp"
#include "networks/network.hpp"
#include "networks/pruning.hpp"
#include "networks/training.hpp"
#include "tests/blocks_dataset.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::networks;

namespace {

arma::fmat random_matrix(std::size_t rows, std::size_t cols, Generator& g) {
  arma::fmat m(rows, cols);
  for (float& v : m) v = static_cast<float>(g.normal());
  return m;
}

// LeNet-300-100 from the seed's initialisation after a few epochs of SGD (lr 0.05, batch 64).
Network trained_lenet300(const LabelledImages& train_data, std::uint64_t seed, std::size_t epochs) {
  Generator init(seed);
  Network net = make_network("lenet300", init);
  TrainingSettings t;
  t.epochs = epochs, t.batch = 64, t.learning_rate = 0.05;
  Optimizer opt(t, net.parameters());
  train(net, train_data, t, opt);
  return net;
}

// Σ c ⊙ y in double: a linear read-out whose gradient with respect to y is c.
double readout(const arma::fmat& y, const arma::fmat& c) {
  double s = 0;
  for (std::size_t i = 0; i < y.n_elem; ++i) s += static_cast<double>(y[i]) * c[i];
  return s;
}

// Checks d(Σ c ⊙ layer(x))/dx and /dθ against central differences at `probes` entries each.
void check_layer(Layer& layer, arma::fmat x, Generator& g, double eps, double tolerance,
                 int probes = 40) {
  const arma::fmat y = layer.forward(x);
  const arma::fmat c = random_matrix(y.n_rows, y.n_cols, g);
  for (auto& p : layer.parameters()) p.gradient->zeros();
  const arma::fmat dx = layer.backward(c);
  auto numeric = [&](float& entry) {
    const float saved = entry;
    entry = saved + static_cast<float>(eps);
    const double up = readout(layer.forward(x), c);
    entry = saved - static_cast<float>(eps);
    const double down = readout(layer.forward(x), c);
    entry = saved;
    return (up - down) / (2 * eps);
  };
  for (int k = 0; k < probes; ++k) {
    const std::size_t i = g.below(x.n_elem);
    const double expected = numeric(x[i]);
    CHECK_MESSAGE(std::abs(dx[i] - expected) <= tolerance * (1 + std::abs(expected)),
                  layer.name() << " input " << i);
  }
  for (auto& p : layer.parameters()) {
    const arma::fmat analytic = *p.gradient;
    for (int k = 0; k < probes; ++k) {
      const std::size_t i = g.below(p.value->n_elem);
      const double expected = numeric((*p.value)[i]);
      CHECK_MESSAGE(std::abs(analytic[i] - expected) <= tolerance * (1 + std::abs(expected)),
                    p.name << " " << i);
    }
  }
}

}  // namespace

TEST_CASE("dense, ReLU, convolution and max-pooling gradients equal central differences") {
  Generator g(1);
  Dense dense("d", 7, 5, g);
  check_layer(dense, random_matrix(7, 4, g), g, 1e-2, 1e-3);
  Relu relu;
  arma::fmat away = random_matrix(30, 3, g);
  away.transform(
      [](float v) { return v >= 0 ? v + 0.1f : v - 0.1f; });  // no input within eps of the kink
  check_layer(relu, away, g, 1e-2, 1e-3);
  Conv2d conv("c", 8, 7, 3, 4, 3, g);
  check_layer(conv, random_matrix(8 * 7 * 3, 2, g), g, 1e-2, 2e-3);
  MaxPool2 pool(6, 4, 3);
  arma::fmat distinct =
      arma::reshape(arma::shuffle(arma::regspace<arma::fvec>(0, 6 * 4 * 3 * 2 - 1)), 6 * 4 * 3, 2);
  distinct *= 0.1f;  // gaps of 0.1 between values: no tie within eps
  check_layer(pool, distinct, g, 1e-3, 1e-3);
}

TEST_CASE("the convolution equals its definition; max-pooling picks each window's largest value") {
  Generator g(2);
  const std::size_t H = 6, W = 5, C = 2, F = 3, k = 3;
  Conv2d conv("c", H, W, C, F, k, g);
  auto params = conv.parameters();
  const arma::fmat& kernel = *params[0].value;  // F × (C·k·k), memory = HWIO
  arma::fmat& bias = *params[1].value;
  bias = random_matrix(F, 1, g);
  const arma::fmat x = random_matrix(H * W * C, 2, g);
  const arma::fmat y = conv.forward(x);
  const std::size_t oh = H - k + 1, ow = W - k + 1;
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t oy = 0; oy < oh; ++oy)
      for (std::size_t ox = 0; ox < ow; ++ox)
        for (std::size_t f = 0; f < F; ++f) {
          double s = bias[f];
          for (std::size_t ky = 0; ky < k; ++ky)
            for (std::size_t kx = 0; kx < k; ++kx)
              for (std::size_t c = 0; c < C; ++c) {
                const double w =
                    kernel.memptr()[((ky * k + kx) * C + c) * F + f];  // HWIO, row-major
                s += w * x(((oy + ky) * W + ox + kx) * C + c, b);
              }
          CHECK(y((oy * ow + ox) * F + f, b) == doctest::Approx(s).epsilon(1e-5));
        }
  MaxPool2 pool(4, 4, 1);
  arma::fmat image(16, 1);
  for (std::size_t i = 0; i < 16; ++i) image[i] = static_cast<float>((i * 7) % 16);
  const arma::fmat pooled = pool.forward(image);
  for (std::size_t y2 = 0; y2 < 2; ++y2)
    for (std::size_t x2 = 0; x2 < 2; ++x2) {
      float most = -1;
      for (std::size_t dy = 0; dy < 2; ++dy)
        for (std::size_t dx = 0; dx < 2; ++dx)
          most = std::max(most, image[(2 * y2 + dy) * 4 + 2 * x2 + dx]);
      CHECK(pooled[y2 * 2 + x2] == most);
    }
}

TEST_CASE("quantized activations: each sample about its mean, by hand; clipped straight-through") {
  // Two samples (columns) of five activations.
  arma::fmat x = {{0.0f, 4.0f}, {1.0f, 4.0f}, {2.0f, 4.0f}, {3.0f, 4.0f}, {9.0f, 4.0f}};
  const AlgorithmInfo& ls1 = *find_algorithm("ls1");
  QuantizedActivation layer(ls1.make(Parameters(ls1.parameters, {})), 2);
  const arma::fmat y = layer.forward(x);
  // Sample 0: mean 3, centred {-3, -2, -1, 0, 6}, v = mean |·| = 12/5: 3 ± 2.4 by bsign (0 → +).
  const std::vector<float> expected{0.6f, 0.6f, 0.6f, 5.4f, 5.4f};
  for (std::size_t i = 0; i < 5; ++i) CHECK(y(i, 0) == doctest::Approx(expected[i]).epsilon(1e-6));
  // Sample 1: one value, reconstructed exactly.
  CHECK(arma::all(y.col(1) == 4.0f));
  // The gradient passes where the centred input lies within [-2.4, 2.4]: -2, -1 and 0.
  const arma::fmat g = layer.backward(arma::fmat(5, 2, arma::fill::ones));
  const std::vector<float> passes{0, 1, 1, 1, 0};
  for (std::size_t i = 0; i < 5; ++i) CHECK(g(i, 0) == passes[i]);
  CHECK(arma::all(g.col(1) == 1.0f));

  // Uniform, 4 levels: min–max grid on each sample's own range, every input within it.
  const AlgorithmInfo& uniform = *find_algorithm("uniform");
  QuantizedActivation grid(uniform.make(Parameters(uniform.parameters, {})), 4);
  const arma::fmat z = grid.forward(x);
  const std::vector<float> rounded{0, 0, 3, 3, 9};  // levels 0, 3, 6, 9 (centred: -3 … 6)
  for (std::size_t i = 0; i < 5; ++i) CHECK(z(i, 0) == doctest::Approx(rounded[i]).epsilon(1e-6));
  CHECK(arma::all(arma::vectorise(grid.backward(arma::fmat(5, 2, arma::fill::ones))) == 1.0f));

  // lsT on {0, 0, 0, 0, 5}: centred {-1, -1, -1, -1, 4} codes as {0, 0, 0, 0, 4} (error 4,
  // against 7.2 with every entry at ±1.6). The level -4 is unused, yet the code spans
  // [-4, 4]: every gradient passes.
  const AlgorithmInfo& lsT = *find_algorithm("lsT");
  QuantizedActivation ternary(lsT.make(Parameters(lsT.parameters, {})), 3);
  const arma::fmat one_sided = ternary.forward(arma::fmat{0.0f, 0.0f, 0.0f, 0.0f, 5.0f}.t());
  const std::vector<float> coded{1, 1, 1, 1, 5};
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(one_sided(i, 0) == doctest::Approx(coded[i]).epsilon(1e-6));
  CHECK(arma::all(arma::vectorise(ternary.backward(arma::fmat(5, 1, arma::fill::ones))) == 1.0f));
}

TEST_CASE("activations are quantized at the inputs of the hidden weighted layers only") {
  Generator g(1);
  const AlgorithmInfo& ls2 = *find_algorithm("ls2");
  const std::shared_ptr<const Quantizer> quantizer = ls2.make(Parameters(ls2.parameters, {}));
  Network lenet300 = make_network("lenet300", g);
  quantize_hidden_activations(lenet300, quantizer, 4);
  CHECK(lenet300.layer_names() == std::vector<std::string>{"dense1", "relu", "quantized_activation",
                                                           "dense2", "relu", "dense3"});
  Network lenet5 = make_network("lenet5", g);
  quantize_hidden_activations(lenet5, quantizer, 4);
  CHECK(lenet5.layer_names() == std::vector<std::string>{"conv1", "maxpool", "quantized_activation",
                                                         "conv2", "maxpool", "quantized_activation",
                                                         "dense1", "relu", "dense2"});
  // The quantized network's output is the plain one's with each hidden input quantized.
  Network plain = make_network("lenet300", g), quantized = make_network("lenet300", g);
  assign_concatenated(quantized.parameters(), concatenated_values(plain.parameters()));
  quantize_hidden_activations(quantized, quantizer, 4);
  arma::fmat images(784, 3);
  for (float& v : images) v = static_cast<float>(g.uniform());
  const auto p = plain.parameters();  // dense1 and its ReLU, by hand
  const arma::fmat hidden = arma::clamp(*p[0].value * images + arma::repmat(*p[1].value, 1, 3),
                                        0.0f, std::numeric_limits<float>::max());
  arma::fmat coded(arma::size(hidden));
  for (arma::uword c = 0; c < 3; ++c) {
    const arma::vec h = arma::conv_to<arma::vec>::from(hidden.col(c));
    Generator unused(0);
    const arma::vec q =
        quantizer->quantize(h - arma::mean(h), arma::vec(), 4, unused).reconstruction;
    coded.col(c) = arma::conv_to<arma::fvec>::from(q + arma::mean(h));
  }
  const arma::fmat second = arma::clamp(*p[2].value * coded + arma::repmat(*p[3].value, 1, 3), 0.0f,
                                        std::numeric_limits<float>::max());
  const arma::fmat logits = *p[4].value * second + arma::repmat(*p[5].value, 1, 3);
  CHECK(arma::approx_equal(quantized.forward(images), logits, "absdiff", 1e-4));
  CHECK(!arma::approx_equal(plain.forward(images), logits, "absdiff", 1e-4));
}

TEST_CASE("softmax cross-entropy: its value by hand and its gradient by central differences") {
  Generator g(3);
  arma::fmat logits = random_matrix(10, 6, g);
  const arma::uvec labels{3, 0, 9, 9, 5, 1};
  arma::fmat gradient;
  const double loss = SoftmaxCrossEntropy::loss(logits, labels, &gradient);
  double expected = 0;
  for (std::size_t b = 0; b < 6; ++b) {
    double sum = 0;
    for (std::size_t k = 0; k < 10; ++k) sum += std::exp(static_cast<double>(logits(k, b)));
    expected += std::log(sum) - logits(labels[b], b);
  }
  CHECK(loss == doctest::Approx(expected / 6).epsilon(1e-6));
  for (std::size_t i = 0; i < logits.n_elem; ++i) {
    const float saved = logits[i];
    logits[i] = saved + 1e-2f;
    const double up = SoftmaxCrossEntropy::loss(logits, labels, nullptr);
    logits[i] = saved - 1e-2f;
    const double down = SoftmaxCrossEntropy::loss(logits, labels, nullptr);
    logits[i] = saved;
    CHECK(gradient[i] == doctest::Approx((up - down) / 2e-2).epsilon(1e-3).scale(1e-3));
  }
}

TEST_CASE("both models: parameter counts, and their loss gradients equal central differences") {
  for (const char* model : {"lenet300", "lenet5"}) {
    Generator g(4);
    Network net = make_network(model, g);
    CHECK(net.parameter_count() == (std::string(model) == "lenet300" ? 266610u : 431080u));
    arma::fmat x(784, 3);
    for (float& v : x) v = static_cast<float>(g.uniform());
    const arma::uvec labels{2, 7, 1};
    net.zero_gradients();
    arma::fmat dlogits;
    SoftmaxCrossEntropy::loss(net.forward(x), labels, &dlogits);
    net.backward(dlogits);
    // Per parameter tensor, the directional derivative along its gradient and along a random
    // unit direction, by central differences of float32 forward passes: moving every entry a
    // little keeps ReLU and max crossings rare and the derivative well above rounding.
    for (auto& p : net.parameters()) {
      const arma::fmat analytic = *p.gradient;
      const double norm = arma::norm(arma::conv_to<arma::mat>::from(analytic), "fro");
      REQUIRE(norm > 0);
      arma::fmat random = random_matrix(analytic.n_rows, analytic.n_cols, g);
      random /= arma::norm(random, "fro");
      for (const arma::fmat& direction : {arma::fmat(analytic / norm), random}) {
        const arma::fmat saved = *p.value;
        const float eps = 1e-2f;
        *p.value = saved + eps * direction;
        const double up = SoftmaxCrossEntropy::loss(net.forward(x), labels, nullptr);
        *p.value = saved - eps * direction;
        const double down = SoftmaxCrossEntropy::loss(net.forward(x), labels, nullptr);
        *p.value = saved;
        const double expected = arma::accu(arma::conv_to<arma::mat>::from(analytic % direction));
        CHECK_MESSAGE(
            std::abs((up - down) / (2 * eps) - expected) <= 2e-2 * norm + 1e-4,
            model << " " << p.name << ": " << (up - down) / (2 * eps) << " vs " << expected);
      }
    }
  }
}

namespace {

// The blocks dataset (tests/blocks_dataset.hpp) in `dir`.
std::string write_blocks_dataset(const quantlab::testing::TempDir& dir, std::size_t train,
                                 std::size_t test, double noise = 40) {
  const std::string path = dir / "blocks.h5";
  quantlab::testing::write_blocks_dataset(path, train, test, noise);
  return path;
}

}  // namespace

TEST_CASE("training is bit-identical for a seed, learns, and a saved network reads back the same") {
  const quantlab::testing::TempDir dir;
  const ImageSplits data = load_image_splits(write_blocks_dataset(dir, 1200, 300));
  CHECK(std::abs(arma::mean(arma::vectorise(data.train.images))) <
        1e-4);  // centred on the training mean
  TrainingSettings s;
  s.epochs = 2;
  s.batch = 64;
  s.learning_rate = 0.05;
  for (const char* model : {"lenet300", "lenet5"})
    for (const char* optimizer : {"sgd", "adam"}) {
      s.optimizer = optimizer;
      s.learning_rate = std::string(optimizer) == "adam" ? 1e-3 : 0.05;
      auto trained = [&](std::uint64_t seed) {
        s.seed = seed;
        Generator init(seed);
        Network net = make_network(model, init);
        Optimizer opt(s, net.parameters());
        std::vector<double> losses;
        train(net, data.train, s, opt, [&](std::size_t, double loss) { losses.push_back(loss); });
        CHECK(losses.size() == 2);
        CHECK(losses[1] < losses[0]);
        return net;
      };
      Network a = trained(1), b = trained(1), c = trained(2);
      auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
      bool all_equal = true, any_differs = false;
      for (std::size_t i = 0; i < pa.size(); ++i) {
        all_equal = all_equal && arma::approx_equal(*pa[i].value, *pb[i].value, "absdiff", 0.0f);
        any_differs =
            any_differs || !arma::approx_equal(*pa[i].value, *pc[i].value, "absdiff", 1e-6f);
      }
      CHECK_MESSAGE(all_equal, model << " " << optimizer);
      CHECK(any_differs);
      const Evaluation e = evaluate(a, data.test);
      CHECK_MESSAGE(e.accuracy > 0.9, model << " " << optimizer << ": " << e.accuracy);

      save_network(a, dir / "net.h5", {{"model", model}, {"seed", "1"}});
      Network back = load_network(dir / "net.h5");
      const Evaluation again = evaluate(back, data.test);
      CHECK(again.accuracy == e.accuracy);
      CHECK(again.loss == e.loss);
      CHECK(list_tensors(dir / "net.h5").size() == pa.size());
    }
}

TEST_CASE("LC's fixed-codebook C steps (the registered quantizers) equal brute force") {
  Generator g(31);
  Generator unused(0);
  for (int trial = 0; trial < 30; ++trial) {
    arma::vec v(3 + g.below(12));
    for (double& x : v) x = g.laplace() * 0.3;
    auto error = [&](const arma::vec& d) { return arma::accu(arma::square(v - d)); };
    // {−a, +a}: a on a fine grid never beats ls1.
    const double scaled = error(c_step("ls1", v, 2, unused));
    for (double a = 0; a < 3; a += 1e-3) {
      arma::vec d = a * (arma::conv_to<arma::vec>::from(v >= 0) * 2 - 1);
      CHECK(scaled <= error(d) + 1e-12);
    }
    // {−a, 0, +a}: every support (the j largest |v|) with its best a = their mean |v|.
    const arma::vec magnitudes = arma::sort(arma::abs(v), "descend");
    if (arma::vec(arma::unique(v)).n_elem >= 3) {
      const double ternary = error(c_step("lsT", v, 3, unused));
      for (std::size_t j = 1; j <= v.n_elem; ++j) {
        const double a = arma::mean(magnitudes.head(j));
        arma::vec d(v.n_elem, arma::fill::zeros);
        for (std::size_t i = 0; i < v.n_elem; ++i)
          if (std::abs(v[i]) >= magnitudes[j - 1]) d[i] = v[i] >= 0 ? a : -a;
        CHECK(ternary <= error(d) + 1e-12);
      }
    }
    // Powers of two, K = 11: each value to its nearest codeword in {0, ±2^e : −4 ≤ e ≤ 0}.
    const arma::vec p2 = c_step("powers_of_two", v, 11, unused);
    for (std::size_t i = 0; i < v.n_elem; ++i) {
      double nearest = std::abs(v[i]);  // the codeword 0
      for (int e = -4; e <= 0; ++e)
        nearest = std::min(nearest, std::abs(std::abs(v[i]) - std::ldexp(1.0, e)));
      CHECK(std::abs(v[i] - p2[i]) == doctest::Approx(nearest).epsilon(1e-12));
    }
    const arma::vec sign = c_step("sign", v, 2, unused);
    for (std::size_t i = 0; i < v.n_elem; ++i) CHECK(sign[i] == (v[i] >= 0 ? 1 : -1));
  }
  // The levels a fixed codebook has are honoured or refused, never silently changed.
  CHECK_THROWS_WITH(c_step("sign", arma::vec{1.0, 2.0}, 4, unused),
                    doctest::Contains("C step sign"));
  CHECK_THROWS_WITH(c_step("powers_of_two", arma::vec{1.0, 2.0}, 8, unused),
                    doctest::Contains("odd K"));
  CHECK_THROWS_WITH(c_step("nearest", arma::vec{1.0, 2.0}, 2, unused),
                    doctest::Contains("unknown C step"));
}

TEST_CASE("LC's k-means C step warm-starts each layer from that layer's previous codebook") {
  Generator g(8);
  arma::fmat w1 = random_matrix(40, 30, g), w2 = random_matrix(30, 20, g);
  w2 *= 3.0f;  // the layers' codebooks differ
  const std::vector<Parameter> layers{{"a/kernel", &w1, nullptr, {40, 30}},
                                      {"b/kernel", &w2, nullptr, {30, 20}}};
  Generator c_step_generator(4);
  CompressionStep compress = per_parameter_c_step("kmeans", 4, layers, c_step_generator);
  arma::vec v(w1.n_elem + w2.n_elem);
  for (double& x : v) x = g.normal();
  v.tail(w2.n_elem) *= 3.0;
  const arma::vec first = compress(v);
  // The next C step, on moved weights, is Lloyd from each layer's first codebook: the same
  // as quantize_from with that start, whatever the generator would have drawn.
  arma::vec moved = v;
  for (double& x : moved) x += 0.05 * g.normal();
  const arma::vec second = compress(moved);
  const KmeansQuantizer kmeans(KmeansInit::kmeanspp, 1, 300, 0);
  Generator unused(123);
  const arma::vec head = moved.head(w1.n_elem), tail = moved.tail(w2.n_elem);
  CHECK(arma::approx_equal(
      second.head(w1.n_elem),
      kmeans.quantize_from(head, arma::vec(), 4, unused, arma::unique(first.head(w1.n_elem)))
          .reconstruction,
      "absdiff", 0.0));
  CHECK(arma::approx_equal(
      second.tail(w2.n_elem),
      kmeans.quantize_from(tail, arma::vec(), 4, unused, arma::unique(first.tail(w2.n_elem)))
          .reconstruction,
      "absdiff", 0.0));
  // From its own fixed point nothing moves.
  CHECK(arma::approx_equal(compress(moved), second, "absdiff", 0.0));
}

TEST_CASE(
    "LC drives ‖w − Δ(Θ)‖ to 0 as μ grows, and recovers accuracy that direct compression loses") {
  const quantlab::testing::TempDir dir;
  const ImageSplits data = load_image_splits(write_blocks_dataset(dir, 1500, 400, 120));
  Network trained = trained_lenet300(data.train, 3, 3);
  save_network(trained, dir / "net.h5", {{"model", "lenet300"}});

  LcSettings s;
  s.steps = 10;
  s.mu0 = 1e-2;
  s.mu_factor = 2;
  s.l_step.epochs = 1, s.l_step.batch = 64, s.l_step.learning_rate = 0.02;
  auto run = [&](Network& net) {
    Generator c_steps(0);
    const std::vector<Parameter> kernels = net.kernels();
    return learning_compression(net, kernels, per_parameter_c_step("kmeans", 2, kernels, c_steps),
                                data.train, data.test, s);
  };
  Network lc_net = load_network(dir / "net.h5");
  const LcResult lc = run(lc_net);
  REQUIRE(lc.steps.size() == 10);
  CHECK(lc.steps.back().distance < 0.5 * lc.steps.front().distance);
  CHECK(lc.steps.back().mu == doctest::Approx(1e-2 * 512));
  const double reference = lc.reference.accuracy, direct = lc.direct.accuracy;
  const double final_accuracy = lc.steps.back().quantized.accuracy;
  MESSAGE("reference " << reference << ", direct " << direct << ", LC " << final_accuracy);
  CHECK(direct < reference - 0.1);  // K = 2 per layer without retraining
  CHECK(final_accuracy - direct >=
        0.7 * (reference - direct));  // LC recovers most of it (10 short steps)
  // iDC: the same rounds without a penalty or multipliers.
  s.method = LcMethod::idc;
  Network idc_net = load_network(dir / "net.h5");
  const LcResult idc = run(idc_net);
  REQUIRE(idc.steps.size() == 10);
  CHECK(idc.steps.back().mu == 0);
  CHECK(idc.direct.accuracy == direct);
  MESSAGE("iDC " << idc.steps.back().quantized.accuracy);
  // The net returned holds Δ(Θ): two values per kernel.
  for (auto& p : lc_net.parameters())
    if (p.name.find("kernel") != std::string::npos)
      CHECK(arma::fvec(arma::unique(*p.value)).n_elem <= 2);
}

TEST_CASE(
    "fine-tuning the codewords moves each by its cluster's mean gradient and keeps the clusters") {
  const quantlab::testing::TempDir dir;
  const ImageSplits data = load_image_splits(write_blocks_dataset(dir, 600, 200));
  Network net = trained_lenet300(data.train, 5, 2);

  // K = 3 per layer; the first 50 weights of the first kernel pruned (zero, in no cluster).
  const std::vector<Parameter> kernels = net.kernels();
  Generator unused(0);
  std::vector<arma::uvec> clusters;
  std::size_t offset = 0;
  for (std::size_t l = 0; l < kernels.size(); ++l) {
    arma::fmat& w = *kernels[l].value;
    const arma::vec q =
        c_step("kmeans", arma::conv_to<arma::vec>::from(arma::vectorise(w)), 3, unused);
    for (arma::uword i = 0; i < w.n_elem; ++i)
      w[i] = l == 0 && i < 50 ? 0.0f : static_cast<float>(q[i]);
    for (double c : arma::vec(arma::unique(q))) {
      std::vector<arma::uword> members;
      for (arma::uword i = 0; i < w.n_elem; ++i)
        if (q[i] == c && !(l == 0 && i < 50)) members.push_back(offset + i);
      clusters.emplace_back(members);
    }
    offset += w.n_elem;
  }
  std::vector<arma::fmat> biases_before, kernels_before;
  for (auto& p : net.parameters())
    (is_kernel(p.name) ? kernels_before : biases_before).push_back(*p.value);
  auto value_at = [&](arma::uword flat) {
    for (const auto& k : kernels) {
      if (flat < k.value->n_elem) return (*k.value)[flat];
      flat -= k.value->n_elem;
    }
    throw std::logic_error("past the kernels");
  };

  // One full-batch step without momentum = c − lr · (mean gradient of its cluster), the
  // gradient computed here on the unshuffled images.
  net.zero_gradients();
  arma::fmat dlogits;
  SoftmaxCrossEntropy::loss(net.forward(data.train.images), data.train.labels, &dlogits);
  net.backward(dlogits);
  std::vector<double> expected;
  for (const auto& cluster : clusters) {
    double sum = 0;
    for (arma::uword i : cluster) {
      arma::uword flat = i;
      for (const auto& k : kernels) {
        if (flat < k.gradient->n_elem) {
          sum += (*k.gradient)[flat];
          break;
        }
        flat -= k.gradient->n_elem;
      }
    }
    expected.push_back(value_at(cluster[0]) - 0.5 * sum / static_cast<double>(cluster.n_elem));
  }
  TrainingSettings one;
  one.epochs = 1, one.batch = data.train.images.n_cols, one.learning_rate = 0.5, one.momentum = 0;
  one.weight_decay = 0.1;  // ignored: it would split clusters
  fine_tune_codewords(net, kernels, clusters, data.train, one);
  for (std::size_t c = 0; c < clusters.size(); ++c)
    CHECK(value_at(clusters[c][0]) == doctest::Approx(expected[c]).epsilon(1e-4));

  // A few epochs with momentum: lower training loss, clusters intact, the rest untouched.
  const double before = evaluate(net, data.train).loss;
  TrainingSettings s;
  s.epochs = 3, s.batch = 32, s.learning_rate = 0.01;
  fine_tune_codewords(net, kernels, clusters, data.train, s);
  CHECK(evaluate(net, data.train).loss < before);
  for (const auto& cluster : clusters)
    for (arma::uword i : cluster) CHECK(value_at(i) == value_at(cluster[0]));
  for (arma::uword i = 0; i < 50; ++i) CHECK((*kernels[0].value)[i] == 0.0f);
  std::size_t b = 0;
  for (auto& p : net.parameters())
    if (!is_kernel(p.name))
      CHECK(arma::approx_equal(*p.value, biases_before[b++], "absdiff", 0.0f));
  for (std::size_t l = 0; l < kernels.size(); ++l)
    CHECK(arma::fvec(arma::unique(arma::vectorise(*kernels[l].value))).n_elem <=
          (l == 0 ? 4u : 3u));

  clusters[0][1] = 49;  // a pruned (zero) weight in a non-zero cluster
  CHECK_THROWS_WITH(fine_tune_codewords(net, kernels, clusters, data.train, s),
                    doctest::Contains("differ"));
}

TEST_CASE("the Hessian diagonal equals central differences of the gradient on tiny nets") {
  Generator g(41);
  Network dense("tiny");
  dense.add(std::make_unique<Dense>("d1", 6, 5, g));
  dense.add(std::make_unique<Relu>());
  dense.add(std::make_unique<Dense>("d2", 5, 4, g));
  Network conv("tiny-conv");
  conv.add(std::make_unique<Conv2d>("c1", 6, 6, 1, 2, 3, g));  // → 4 × 4 × 2
  conv.add(std::make_unique<MaxPool2>(4, 4, 2));               // → 2 × 2 × 2
  conv.add(std::make_unique<Dense>("d1", 8, 4, g));
  for (Network* net : {&dense, &conv}) {
    const std::size_t inputs = net == &dense ? 6 : 36;
    LabelledImages data{random_matrix(inputs, 7, g), arma::uvec{0, 1, 2, 3, 1, 2, 0}};
    const std::vector<arma::fmat> h = hessian_diagonal(*net, data, 7);
    auto gradient_of = [&](std::size_t which, std::size_t i) {
      net->zero_gradients();
      arma::fmat d;
      SoftmaxCrossEntropy::loss(net->forward(data.images), data.labels,
                                &d);  // mean over the 7 samples
      net->backward(d);
      return static_cast<double>((*net->parameters()[which].gradient)[i]);
    };
    // The identity holds where no ReLU or max changes within ±eps: a probe whose gradient
    // bends between the two half-steps sits on such a kink and is left out (counted).
    auto parameters = net->parameters();
    std::size_t probes = 0, smooth = 0;
    for (std::size_t which = 0; which < parameters.size(); ++which) {
      REQUIRE(h[which].n_elem == parameters[which].value->n_elem);
      for (std::size_t i = 0; i < h[which].n_elem; ++i) {
        float& w = (*parameters[which].value)[i];
        const float saved = w, eps = 1e-3f;
        const double middle = gradient_of(which, i);
        w = saved + eps;
        const double up = gradient_of(which, i);
        w = saved - eps;
        const double down = gradient_of(which, i);
        w = saved;
        CHECK(h[which](i) >= 0);
        ++probes;
        if (std::abs((up - middle) - (middle - down)) >
            0.05 * (std::abs(up - middle) + std::abs(middle - down)) + 1e-7)
          continue;
        ++smooth;
        const double expected = (up - down) / (2 * eps);
        CHECK_MESSAGE(std::abs(h[which](i) - expected) <= 0.03 * std::abs(expected) + 2e-4,
                      net->model() << " " << parameters[which].name << " " << i << ": "
                                   << h[which](i) << " vs " << expected);
      }
    }
    CHECK_MESSAGE(smooth >= 0.8 * probes, net->model() << ": " << smooth << " of " << probes);
  }
}

TEST_CASE(
    "magnitude pruning keeps exactly the requested fraction, the largest weights over all layers") {
  Generator g(51);
  Network net = make_network("lenet300", g);
  std::size_t total = 0;
  std::vector<float> magnitudes;
  for (auto& p : net.parameters())
    if (p.name.find("kernel") != std::string::npos) {
      total += p.value->n_elem;
      for (float w : *p.value) magnitudes.push_back(std::abs(w));
    }
  for (double keep : {0.0855, 0.5, 1.0}) {
    const std::vector<arma::fmat> masks = magnitude_masks(net, keep);
    REQUIRE(masks.size() == 3);
    double kept = 0;
    float smallest_kept = 1e30f, largest_dropped = 0;
    std::size_t layer = 0;
    for (auto& p : net.parameters()) {
      if (p.name.find("kernel") == std::string::npos) continue;
      const arma::fmat& m = masks[layer++];
      kept += arma::accu(m);
      CHECK(arma::all(arma::vectorise((m == 0.0f) + (m == 1.0f)) == 1));
      for (std::size_t i = 0; i < m.n_elem; ++i) {
        if (m[i] == 1)
          smallest_kept = std::min(smallest_kept, std::abs((*p.value)[i]));
        else
          largest_dropped = std::max(largest_dropped, std::abs((*p.value)[i]));
      }
    }
    CHECK(kept == std::round(keep * static_cast<double>(total)));
    CHECK(smallest_kept >= largest_dropped);
  }
  Network pruned = make_network("lenet300", g);
  const auto masks = magnitude_masks(pruned, 0.1);
  apply_masks(pruned, masks, false);
  std::size_t nonzero = 0;
  for (auto& p : pruned.parameters())
    if (p.name.find("kernel") != std::string::npos) nonzero += arma::accu(*p.value != 0.0f);
  CHECK(nonzero == std::round(0.1 * static_cast<double>(total)));
  CHECK_THROWS_WITH(magnitude_masks(pruned, 0), doctest::Contains("kept fraction"));
}

TEST_CASE("image data the models cannot read are refused with the file, split and index") {
  quantlab::testing::TempDir dir;
  const std::string good = (dir.path / "good.h5").string();
  quantlab::testing::write_blocks_dataset(good, 20, 10, 10);
  CHECK(load_images(good, "test", 0, 0).labels.n_elem == 10);
  // Each case: the test split changed one way, and what the message must say.
  auto refused = [&](const std::function<void(Tensor&, Tensor&)>& change) {
    Tensor images = read_tensor(good, "test/images"), labels = read_tensor(good, "test/labels");
    change(images, labels);
    const std::string bad = (dir.path / "bad.h5").string();
    write_dataset_file(bad, {images, labels});
    try {
      load_images(bad, "test", 0, 0);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refused([](Tensor&, Tensor& l) {
          l.values[3] = 10;
        }).find("test/labels[3] is 10.000000, not a class in 0..9") != std::string::npos);
  CHECK(refused([](Tensor&, Tensor& l) { l.values[0] = -1; }).find("labels[0]") !=
        std::string::npos);
  CHECK(refused([](Tensor&, Tensor& l) { l.values[5] = 2.5; }).find("labels[5]") !=
        std::string::npos);
  CHECK(refused([](Tensor& i, Tensor& l) {
          i.shape = {40, 14, 14};  // the same pixels as 14 × 14 images
          l.shape = {40};
          l.values = arma::vec(40, arma::fill::zeros);
        }).find("are 14 × 14, the models take 28 × 28") != std::string::npos);
  CHECK(refused([](Tensor& i, Tensor& l) {
          i.shape = {0, 28, 28}, i.values.reset();
          l.shape = {0}, l.values.reset();
        }).find("holds no images") != std::string::npos);
  CHECK(refused([](Tensor& i, Tensor&) {
          i.values[7] = 300;
        }).find("pixel outside 0..255 (300.000000 at flat index 7)") != std::string::npos);
}

TEST_CASE("a holdout draws distinct training images uniformly, fixed by its seed") {
  const std::vector<std::size_t> a = held_out_positions(100, {20, 5});
  CHECK(a == held_out_positions(100, {20, 5}));
  CHECK(a != held_out_positions(100, {20, 6}));
  REQUIRE(a.size() == 20);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());
  CHECK(a.back() < 100);
  CHECK(held_out_positions(100, {0, 5}).empty());
  CHECK_THROWS_WITH_AS(held_out_positions(100, {100, 0}),
                       doctest::Contains("leaves none of the 100"), std::invalid_argument);
  // Every position is held out about as often as every other: 3 of 10 over 3,000 seeds.
  std::vector<double> frequency(10, 0);
  for (std::uint64_t seed = 0; seed < 3000; ++seed)
    for (std::size_t i : held_out_positions(10, {3, seed})) frequency[i] += 1.0 / 3000;
  for (double f : frequency) CHECK(std::abs(f - 0.3) < 0.04);
}

TEST_CASE("a holdout divides the training images into two parts, each in its order") {
  LabelledImages all;
  all.images.set_size(2, 50);
  all.labels.set_size(50);
  for (arma::uword i = 0; i < 50; ++i) {
    all.images(0, i) = static_cast<float>(i), all.images(1, i) = static_cast<float>(-1.0 * i);
    all.labels[i] = i % 10;
  }
  const Holdout holdout{12, 3};
  const std::vector<std::size_t> held = held_out_positions(50, holdout);
  const TrainingImages split = split_holdout(all, holdout);
  REQUIRE(split.held_out.labels.n_elem == 12);
  REQUIRE(split.train.labels.n_elem == 38);
  std::vector<std::size_t> seen;
  for (const LabelledImages* part : {&split.train, &split.held_out})
    for (arma::uword c = 0; c < part->labels.n_elem; ++c) {
      const auto i = static_cast<std::size_t>(part->images(0, c));
      CHECK(part->images(1, c) == -part->images(0, c));  // whole columns, with their labels
      CHECK(part->labels[c] == i % 10);
      CHECK((part == &split.held_out) ==
            std::binary_search(held.begin(), held.end(), i));  // held out exactly when drawn
      if (c > 0) CHECK(part->images(0, c - 1) < part->images(0, c));
      seen.push_back(i);
    }
  std::sort(seen.begin(), seen.end());
  CHECK(seen.size() == 50);
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  // A limit keeps the first images trained on, never a held-out one.
  const TrainingImages limited = split_holdout(all, holdout, 10);
  CHECK(limited.train.labels.n_elem == 10);
  CHECK(arma::approx_equal(limited.train.images, split.train.images.cols(0, 9), "absdiff", 0));
  CHECK(limited.held_out.labels.n_elem == 12);
}
