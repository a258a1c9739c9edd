#include "networks/model_file.hpp"

#include <algorithm>
#include <stdexcept>

#include "datasets/dataset_file.hpp"
#include "datasets/hdf5_io.hpp"

namespace quantlab::networks {

void save_network(
    Network& net, const std::string& path, const std::map<std::string, std::string>& attributes,
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

void add_importance(const std::string& path, const std::string& kind, Network& net,
                    const std::vector<arma::fmat>& importance,
                    const std::map<std::string, std::string>& attributes) {
  const std::string prefix = "importance/" + kind + "/";
  std::vector<Tensor> tensors;
  for (const auto& name : list_tensors(path))
    if (name.rfind(prefix, 0) != 0) tensors.push_back(read_tensor(path, name));
  const auto parameters = net.parameters();
  if (importance.size() != parameters.size())
    throw std::invalid_argument("one importance matrix per parameter expected");
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Tensor t;
    t.name = prefix + parameters[i].name;
    t.shape = parameters[i].shape;
    t.dtype = DType::float32;
    const double floor =
        1e-8 * std::max(1e-30, static_cast<double>(arma::mean(arma::vectorise(importance[i]))));
    t.values = arma::conv_to<arma::vec>::from(arma::vectorise(importance[i]));
    for (double& v : t.values) v = static_cast<double>(static_cast<float>(std::max(v, floor)));
    t.attributes = attributes;
    t.attributes["floor"] = std::to_string(floor);
    tensors.push_back(std::move(t));
  }
  H5::H5File in(path, H5F_ACC_RDONLY);
  const std::map<std::string, std::string> file_attributes =
      hdf5::string_attributes(in.openGroup("/"));
  in.close();
  write_dataset_file(path, tensors, file_attributes);
}

double training_mean_pixel(const std::string& path,
                           const std::map<std::string, std::string>& attributes) {
  const auto mean = attributes.find("mean_pixel");
  if (mean == attributes.end())
    throw std::runtime_error(path +
                             ": no mean_pixel attribute (not written by quantlab net train)");
  return std::stod(mean->second);
}

Holdout holdout_of(const std::string& path, const std::map<std::string, std::string>& attributes) {
  Holdout h;
  const auto whole = [&](const char* key) -> std::uint64_t {
    const auto it = attributes.find(key);
    if (it == attributes.end()) return 0;
    const std::string& text = it->second;
    if (text.empty() || text.size() > 19 ||
        text.find_first_not_of("0123456789") != std::string::npos)
      throw std::runtime_error(path + ": attribute " + key + " is '" + text +
                               "', not a whole number");
    return std::stoull(text);
  };
  h.images = static_cast<std::size_t>(whole("holdout_images"));
  h.seed = whole("holdout_seed");
  return h;
}

TrainingImages saved_network_training_images(const std::string& path,
                                             const std::map<std::string, std::string>& attributes,
                                             const std::string& data_file, std::size_t limit) {
  return load_training_images(data_file, training_mean_pixel(path, attributes),
                              holdout_of(path, attributes), limit);
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
    for (std::size_t i = 0; i < t.values.n_elem; ++i)
      (*p.value)[i] = static_cast<float>(t.values[i]);
  }
  if (attributes) *attributes = first.attributes;
  return net;
}

}  // namespace quantlab::networks
