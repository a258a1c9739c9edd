#include "networks/network.hpp"

#include <stdexcept>

namespace quantlab::networks {

arma::fmat Network::forward(const arma::fmat& input) {
  arma::fmat x = input;
  for (auto& layer : layers_) x = layer->forward(x);
  return x;
}

void Network::backward(const arma::fmat& logits_gradient) {
  arma::fmat g = logits_gradient;
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) g = (*it)->backward(g);
}

void Network::insert_before_hidden_layers(const std::function<std::unique_ptr<Layer>()>& make) {
  std::vector<std::size_t> weighted;
  for (std::size_t i = 0; i < layers_.size(); ++i)
    if (!layers_[i]->parameters().empty()) weighted.push_back(i);
  // Back to front, so that the positions not yet used stay valid.
  for (std::size_t j = weighted.size() >= 2 ? weighted.size() - 1 : 0; j-- > 1;)
    layers_.insert(layers_.begin() + static_cast<std::ptrdiff_t>(weighted[j]), make());
}

std::vector<Parameter> Network::parameters() {
  std::vector<Parameter> all;
  for (auto& layer : layers_)
    for (auto& p : layer->parameters()) all.push_back(p);
  return all;
}

std::vector<std::string> Network::layer_names() const {
  std::vector<std::string> names;
  for (const auto& layer : layers_) names.push_back(layer->name());
  return names;
}

bool is_kernel(const std::string& parameter_name) {
  const std::string suffix = "/kernel";
  return parameter_name.size() > suffix.size() &&
         parameter_name.compare(parameter_name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

arma::vec concatenated_values(const std::vector<Parameter>& parameters) {
  std::size_t n = 0;
  for (const auto& p : parameters) n += p.value->n_elem;
  arma::vec out(n);
  std::size_t offset = 0;
  for (const auto& p : parameters)
    for (arma::uword i = 0; i < p.value->n_elem; ++i) out[offset++] = (*p.value)[i];
  return out;
}

void assign_concatenated(const std::vector<Parameter>& parameters, const arma::vec& values) {
  std::size_t offset = 0;
  for (const auto& p : parameters)
    for (arma::uword i = 0; i < p.value->n_elem; ++i)
      (*p.value)[i] = static_cast<float>(values[offset++]);
}

std::vector<Parameter> Network::kernels() {
  std::vector<Parameter> out;
  for (auto& p : parameters())
    if (is_kernel(p.name)) out.push_back(p);
  return out;
}

void Network::zero_gradients() {
  for (auto& p : parameters()) p.gradient->zeros();
}

std::size_t Network::parameter_count() {
  std::size_t n = 0;
  for (auto& p : parameters()) n += p.value->n_elem;
  return n;
}

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names{"lenet300", "lenet5"};
  return names;
}

Network make_network(const std::string& model, Generator& g) {
  Network net(model);
  if (model == "lenet300") {
    net.add(std::make_unique<Dense>("dense1", kImageSide * kImageSide, 300, g));
    net.add(std::make_unique<Relu>());
    net.add(std::make_unique<Dense>("dense2", 300, 100, g));
    net.add(std::make_unique<Relu>());
    net.add(std::make_unique<Dense>("dense3", 100, kClasses, g));
  } else if (model == "lenet5") {
    net.add(std::make_unique<Conv2d>("conv1", kImageSide, kImageSide, 1, 20, 5, g));  // → 24² × 20
    net.add(std::make_unique<MaxPool2>(24, 24, 20));                   // → 12 × 12 × 20
    net.add(std::make_unique<Conv2d>("conv2", 12, 12, 20, 50, 5, g));  // → 8 × 8 × 50
    net.add(std::make_unique<MaxPool2>(8, 8, 50));                     // → 4 × 4 × 50 = 800
    net.add(std::make_unique<Dense>("dense1", 800, 500, g));
    net.add(std::make_unique<Relu>());
    net.add(std::make_unique<Dense>("dense2", 500, kClasses, g));
  } else {
    throw std::invalid_argument("unknown model '" + model + "' (lenet300, lenet5)");
  }
  return net;
}

}  // namespace quantlab::networks
