#include "networks/training.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"

namespace quantlab::networks {
namespace {

LabelledImages load_split(const std::string& file, const std::string& split, std::size_t limit) {
  const Tensor images = read_tensor(file, split + "/images");
  const Tensor labels = read_tensor(file, split + "/labels");
  if (images.shape.size() != 3 || labels.shape.size() != 1 || images.shape[0] != labels.shape[0])
    throw std::runtime_error(file + ": " + split + "/images must be [N, H, W] with N labels");
  // The models read exactly side × side pixels and score kClasses logits: anything else would
  // be read out of bounds or scored as garbage.
  if (images.shape[1] != kImageSide || images.shape[2] != kImageSide)
    throw std::runtime_error(file + ": " + split + "/images are " +
                             std::to_string(images.shape[1]) + " × " +
                             std::to_string(images.shape[2]) + ", the models take " +
                             std::to_string(kImageSide) + " × " + std::to_string(kImageSide));
  if (images.shape[0] == 0) throw std::runtime_error(file + ": " + split + " holds no images");
  for (std::size_t i = 0; i < labels.values.n_elem; ++i) {
    const double label = labels.values[i];
    if (!(label >= 0 && label < static_cast<double>(kClasses) && label == std::floor(label)))
      throw std::runtime_error(file + ": " + split + "/labels[" + std::to_string(i) + "] is " +
                               std::to_string(label) + ", not a class in 0.." +
                               std::to_string(kClasses - 1));
  }
  for (std::size_t i = 0; i < images.values.n_elem; ++i)
    if (!(images.values[i] >= 0 && images.values[i] <= 255))
      throw std::runtime_error(file + ": " + split + "/images hold a pixel outside 0..255 (" +
                               std::to_string(images.values[i]) + " at flat index " +
                               std::to_string(i) + ")");
  const std::size_t n = limit ? std::min(limit, images.shape[0]) : images.shape[0];
  const std::size_t pixels = images.shape[1] * images.shape[2];
  LabelledImages out;
  out.images.set_size(pixels, n);
  out.labels.set_size(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < pixels; ++p)
      out.images(p, i) = static_cast<float>(images.values[i * pixels + p] / 255.0);
    out.labels[i] = static_cast<arma::uword>(labels.values[i]);
  }
  return out;
}

}  // namespace

LabelledImages load_images(const std::string& file, const std::string& split, std::size_t limit,
                           double mean_pixel) {
  LabelledImages images = load_split(file, split, limit);
  images.images -= static_cast<float>(mean_pixel);
  return images;
}

std::vector<std::size_t> held_out_positions(std::size_t count, const Holdout& holdout) {
  if (holdout.images >= count)
    throw std::invalid_argument("a holdout of " + std::to_string(holdout.images) +
                                " images leaves none of the " + std::to_string(count) +
                                " training images to train on");
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Generator generator(holdout.seed);
  for (std::size_t i = 0; i < holdout.images; ++i)
    std::swap(order[i], order[i + generator.below(count - i)]);
  order.resize(holdout.images);
  std::sort(order.begin(), order.end());
  return order;
}

TrainingImages split_holdout(const LabelledImages& all, const Holdout& holdout, std::size_t limit) {
  const std::size_t count = all.labels.n_elem;
  std::vector<char> held(count, 0);
  for (std::size_t i : held_out_positions(count, holdout)) held[i] = 1;
  std::vector<arma::uword> train, out;
  for (std::size_t i = 0; i < count; ++i) (held[i] ? out : train).push_back(i);
  if (limit && train.size() > limit) train.resize(limit);
  const auto take = [&](const std::vector<arma::uword>& positions) {
    const arma::uvec at(positions);
    return LabelledImages{all.images.cols(at), all.labels.elem(at)};
  };
  return {take(train), take(out)};
}

TrainingImages load_training_images(const std::string& file, double mean_pixel,
                                    const Holdout& holdout, std::size_t limit) {
  if (holdout.images == 0) return {load_images(file, "train", limit, mean_pixel), {}};
  try {
    return split_holdout(load_images(file, "train", 0, mean_pixel), holdout, limit);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(file + ": " + e.what());
  }
}

ImageSplits load_image_splits(const std::string& file, std::size_t train_limit,
                              const Holdout& holdout) {
  ImageSplits s;
  if (holdout.images == 0) {
    s.train = load_split(file, "train", train_limit);
  } else {
    TrainingImages split = split_holdout(load_split(file, "train", 0), holdout, train_limit);
    s.train = std::move(split.train);
    s.held_out = std::move(split.held_out);
  }
  s.test = load_split(file, "test", 0);
  double sum = 0;
  for (float v : s.train.images) sum += v;
  s.mean_pixel = sum / static_cast<double>(s.train.images.n_elem);
  s.train.images -= static_cast<float>(s.mean_pixel);
  s.test.images -= static_cast<float>(s.mean_pixel);
  s.held_out.images -= static_cast<float>(s.mean_pixel);
  return s;
}

Optimizer::Optimizer(const TrainingSettings& settings, std::vector<Parameter> parameters)
    : settings_(settings), parameters_(std::move(parameters)) {
  if (settings.optimizer != "sgd" && settings.optimizer != "adam")
    throw std::invalid_argument("optimizer must be sgd or adam, not '" + settings.optimizer + "'");
  for (const auto& p : parameters_) {
    first_.emplace_back(arma::size(*p.value), arma::fill::zeros);
    if (settings.optimizer == "adam") second_.emplace_back(arma::size(*p.value), arma::fill::zeros);
  }
}

void Optimizer::step(double rate) {
  ++steps_;
  const auto lr = static_cast<float>(rate);
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    arma::fmat& w = *parameters_[i].value;
    arma::fmat& g = *parameters_[i].gradient;
    if (settings_.weight_decay > 0 && is_kernel(parameters_[i].name))
      g += static_cast<float>(settings_.weight_decay) * w;
    if (settings_.optimizer == "sgd") {
      // Nesterov momentum (Sutskever et al. 2013, as PyTorch): v = μv + g; w −= lr (g + μv).
      const auto mu = static_cast<float>(settings_.momentum);
      first_[i] = mu * first_[i] + g;
      w -= lr * (g + mu * first_[i]);
    } else {
      const double b1 = settings_.adam_beta1, b2 = settings_.adam_beta2;
      first_[i] = static_cast<float>(b1) * first_[i] + static_cast<float>(1 - b1) * g;
      second_[i] =
          static_cast<float>(b2) * second_[i] + static_cast<float>(1 - b2) * arma::square(g);
      const auto c1 = static_cast<float>(1 - std::pow(b1, static_cast<double>(steps_)));
      const auto c2 = static_cast<float>(1 - std::pow(b2, static_cast<double>(steps_)));
      w -= lr * (first_[i] / c1) /
           (arma::sqrt(second_[i] / c2) + static_cast<float>(settings_.adam_epsilon));
    }
  }
}

std::vector<arma::fmat> Optimizer::adam_root_second_moment() const {
  std::vector<arma::fmat> out;
  const auto c2 =
      static_cast<float>(1 - std::pow(settings_.adam_beta2, static_cast<double>(steps_)));
  for (const auto& v : second_) out.push_back(arma::sqrt(v / c2));
  return out;
}

Evaluation evaluate(Network& net, const LabelledImages& data, std::size_t batch) {
  Evaluation e;
  const std::size_t n = data.images.n_cols;
  std::size_t correct = 0;
  for (std::size_t start = 0; start < n; start += batch) {
    const std::size_t end = std::min(n, start + batch);
    const arma::fmat logits = net.forward(data.images.cols(start, end - 1));
    const arma::uvec labels = data.labels.subvec(start, end - 1);
    e.loss += SoftmaxCrossEntropy::loss(logits, labels, nullptr) * static_cast<double>(end - start);
    const arma::urowvec predicted = arma::index_max(logits, 0);
    for (std::size_t i = 0; i < labels.n_elem; ++i) correct += predicted[i] == labels[i];
  }
  e.loss /= static_cast<double>(n);
  e.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  return e;
}

namespace {

// Each 28 × 28 image (a column, row-major) moved by a random (dy, dx) in [−s, s]², the
// uncovered border filled with the image's smallest value (the background).
arma::fmat shifted(const arma::fmat& images, std::size_t s, Generator& g) {
  constexpr int side = 28;
  if (images.n_rows != side * side)
    throw std::invalid_argument("shift augmentation needs 28 × 28 images");
  arma::fmat out(arma::size(images));
  for (arma::uword c = 0; c < images.n_cols; ++c) {
    const int dy = static_cast<int>(g.below(2 * s + 1)) - static_cast<int>(s);
    const int dx = static_cast<int>(g.below(2 * s + 1)) - static_cast<int>(s);
    const float* in = images.colptr(c);
    float* o = out.colptr(c);
    const float background = images.col(c).min();
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) {
        const int sy = y - dy, sx = x - dx;
        o[y * side + x] =
            sy >= 0 && sy < side && sx >= 0 && sx < side ? in[sy * side + sx] : background;
      }
  }
  return out;
}

}  // namespace

void train(Network& net, const LabelledImages& data, const TrainingSettings& settings,
           Optimizer& optimizer, const std::function<void(std::size_t, double)>& after_epoch,
           const std::function<void()>& adjust_gradients) {
  const std::size_t n = data.images.n_cols;
  Generator shuffle(settings.seed ^ 0x5eedf00dULL), augment(settings.seed ^ 0xa57a11ULL);
  std::vector<arma::uword> order(n);
  for (std::size_t epoch = 0; epoch < settings.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = n; i > 1; --i)
      std::swap(order[i - 1], order[shuffle.below(i)]);  // Fisher–Yates
    const double rate =
        settings.learning_rate * std::pow(settings.lr_decay, static_cast<double>(epoch));
    double total = 0;
    for (std::size_t start = 0; start < n; start += settings.batch) {
      const std::size_t end = std::min(n, start + settings.batch);
      const arma::uvec batch(order.data() + start, end - start);
      net.zero_gradients();
      arma::fmat dlogits;
      const arma::fmat images = settings.shift
                                    ? shifted(data.images.cols(batch), settings.shift, augment)
                                    : arma::fmat(data.images.cols(batch));
      total += SoftmaxCrossEntropy::loss(net.forward(images), data.labels.elem(batch), &dlogits) *
               static_cast<double>(end - start);
      net.backward(dlogits);
      if (adjust_gradients) adjust_gradients();
      optimizer.step(rate);
    }
    if (!std::isfinite(total))
      throw std::runtime_error("training diverged in epoch " + std::to_string(epoch + 1) +
                               " (the loss is not finite): lower the learning rate");
    if (after_epoch) after_epoch(epoch, total / static_cast<double>(n));
  }
}

}  // namespace quantlab::networks
