#pragma once
// A feed-forward network (a sequence of layers) and the two models of papers 4 and 5:
//   lenet300 — LeNet-300-100: 784-300-100-10, ReLU (266,610 parameters);
//   lenet5   — paper 5's LeNet-5 variant: conv 20@5×5, max-pool, conv 50@5×5, max-pool,
//              dense 800→500, ReLU, dense 500→10 (431,080 parameters).
// Inputs are 28 × 28 grey images, one per column, row-major pixels.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "networks/layers.hpp"

namespace quantlab::networks {

/// A weight matrix (name ending in /kernel) rather than a bias.
bool is_kernel(const std::string& parameter_name);

/// The values of `parameters` concatenated, each in memory order (the saved tensor's order).
arma::vec concatenated_values(const std::vector<Parameter>& parameters);
/// Writes such a concatenation back into the parameters.
void assign_concatenated(const std::vector<Parameter>& parameters, const arma::vec& values);

class Network {
 public:
  explicit Network(std::string model) : model_(std::move(model)) {}
  void add(std::unique_ptr<Layer> layer) { layers_.push_back(std::move(layer)); }
  /// Inserts a layer made by `make` before every layer with parameters but the first and
  /// the last.
  void insert_before_hidden_layers(const std::function<std::unique_ptr<Layer>()>& make);
  /// Logits (classes × samples).
  arma::fmat forward(const arma::fmat& input);
  /// Back-propagates d loss / d logits through every layer (after forward on the same batch).
  void backward(const arma::fmat& logits_gradient);
  std::vector<Parameter> parameters();
  /// Each layer's name, in order.
  std::vector<std::string> layer_names() const;
  /// The weight matrices (names ending in /kernel): what compression quantizes or prunes.
  std::vector<Parameter> kernels();
  void zero_gradients();
  std::size_t parameter_count();
  const std::string& model() const { return model_; }

 private:
  std::string model_;
  std::vector<std::unique_ptr<Layer>> layers_;
};

/// What every model takes: side × side grey images (0..255) of `classes` classes (MNIST's).
constexpr std::size_t kImageSide = 28;
constexpr std::size_t kClasses = 10;

/// `model`: lenet300 or lenet5; weights drawn from `generator` (He initialisation).
Network make_network(const std::string& model, Generator& generator);

/// The models make_network knows, for messages.
const std::vector<std::string>& model_names();

}  // namespace quantlab::networks
