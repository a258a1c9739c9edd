#include "networks/model_file.hpp"

#include <stdexcept>

#include "datasets/dataset_file.hpp"

namespace quantlab::networks {

void save_network(Network& net, const std::string& path, const std::map<std::string, std::string>& attributes,
                  const std::map<std::string, std::map<std::string, std::string>>& tensor_attributes) {
  DatasetWriter writer(path, attributes);
  for (const auto& p : net.parameters()) {
    // The value's memory is the tensor in row-major order (layers.hpp).
    const std::vector<float> values(p.value->begin(), p.value->end());
    std::map<std::string, std::string> these = attributes;
    if (auto it = tensor_attributes.find(p.name); it != tensor_attributes.end())
      these.insert(it->second.begin(), it->second.end());
    writer.add_float32(p.name, p.shape, values, these);
  }
  writer.commit();
}

Network load_network(const std::string& path, std::map<std::string, std::string>* attributes) {
  const std::vector<std::string> names = list_tensors(path);
  if (names.empty()) throw std::runtime_error(path + ": no tensors");
  const Tensor first = read_tensor(path, names.front());
  const auto model = first.attributes.find("model");
  if (model == first.attributes.end())
    throw std::runtime_error(path + ": not a trained network (no 'model' attribute)");
  Generator unused(0);
  Network net = make_network(model->second, unused);
  for (const auto& p : net.parameters()) {
    const Tensor t = read_tensor(path, p.name);
    if (t.shape != p.shape)
      throw std::runtime_error(path + ": tensor " + p.name + " has shape " + t.shape_text() +
                               ", the model needs another");
    for (std::size_t i = 0; i < t.values.n_elem; ++i) (*p.value)[i] = static_cast<float>(t.values[i]);
  }
  if (attributes) *attributes = first.attributes;
  return net;
}

}  // namespace quantlab::networks
