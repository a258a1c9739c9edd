#include "networks/layers.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace quantlab::networks {
namespace {

// He initialisation: N(0, 2 / fan_in), drawn from the run's generator (reproducible).
arma::fmat he_normal(std::size_t rows, std::size_t cols, std::size_t fan_in, Generator& g) {
  arma::fmat w(rows, cols);
  const double sd = std::sqrt(2.0 / static_cast<double>(fan_in));
  for (float& v : w) v = static_cast<float>(sd * g.normal());
  return w;
}

}  // namespace

Dense::Dense(std::string name, std::size_t in, std::size_t out, Generator& generator)
    : name_(std::move(name)),
      weight_(he_normal(out, in, in, generator)),
      bias_(out, 1, arma::fill::zeros),
      weight_gradient_(out, in, arma::fill::zeros),
      bias_gradient_(out, 1, arma::fill::zeros) {}

arma::fmat Dense::forward(const arma::fmat& input) {
  input_ = input;
  arma::fmat out = weight_ * input;
  out.each_col() += bias_.col(0);
  return out;
}

arma::fmat Dense::backward(const arma::fmat& g) {
  weight_gradient_ += g * input_.t();
  bias_gradient_ += arma::sum(g, 1);
  return weight_.t() * g;
}

std::vector<Parameter> Dense::parameters() {
  return {{name_ + "/kernel", &weight_, &weight_gradient_, {weight_.n_cols, weight_.n_rows}},
          {name_ + "/bias", &bias_, &bias_gradient_, {bias_.n_rows}}};
}

arma::fmat Relu::forward(const arma::fmat& input) {
  input_ = input;
  return arma::clamp(input, 0.0f, std::numeric_limits<float>::max());
}

arma::fmat Relu::backward(const arma::fmat& g) {
  arma::fmat out = g;
  out.elem(arma::find(input_ <= 0)).zeros();
  return out;
}

Conv2d::Conv2d(std::string name, std::size_t height, std::size_t width, std::size_t channels,
               std::size_t filters, std::size_t kernel, Generator& generator)
    : name_(std::move(name)),
      height_(height),
      width_(width),
      channels_(channels),
      filters_(filters),
      kernel_(kernel),
      weight_(
          he_normal(filters, channels * kernel * kernel, channels * kernel * kernel, generator)),
      bias_(filters, 1, arma::fill::zeros),
      weight_gradient_(arma::size(weight_), arma::fill::zeros),
      bias_gradient_(filters, 1, arma::fill::zeros) {
  if (kernel > height || kernel > width)
    throw std::invalid_argument(name_ + ": kernel larger than the image");
}

arma::fmat Conv2d::forward(const arma::fmat& input) {
  batch_ = input.n_cols;
  const std::size_t oh = out_height(), ow = out_width(), patch = channels_ * kernel_ * kernel_;
  const std::size_t run = channels_ * kernel_;  // one kernel row of a patch: contiguous in HWC
  columns_.set_size(patch, oh * ow * batch_);
  for (std::size_t b = 0; b < batch_; ++b) {
    const float* image = input.colptr(b);
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x) {
        float* column = columns_.colptr((b * oh + y) * ow + x);
        for (std::size_t ky = 0; ky < kernel_; ++ky)
          std::copy_n(image + ((y + ky) * width_ + x) * channels_, run, column + ky * run);
      }
  }
  arma::fmat out = weight_ * columns_;  // F × (pixels · batch) = HWC samples, one per column
  out.each_col() += bias_.col(0);
  return arma::reshape(out, filters_ * oh * ow, batch_);
}

arma::fmat Conv2d::backward(const arma::fmat& g) {
  const std::size_t oh = out_height(), ow = out_width(), run = channels_ * kernel_;
  const arma::fmat grad = arma::reshape(g, filters_, oh * ow * batch_);
  weight_gradient_ += grad * columns_.t();
  bias_gradient_ += arma::sum(grad, 1);
  const arma::fmat column_gradient = weight_.t() * grad;
  arma::fmat input_gradient(height_ * width_ * channels_, batch_, arma::fill::zeros);
  for (std::size_t b = 0; b < batch_; ++b) {
    float* image = input_gradient.colptr(b);
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x) {
        const float* column = column_gradient.colptr((b * oh + y) * ow + x);
        for (std::size_t ky = 0; ky < kernel_; ++ky) {
          float* target = image + ((y + ky) * width_ + x) * channels_;
          for (std::size_t i = 0; i < run; ++i) target[i] += column[ky * run + i];
        }
      }
  }
  return input_gradient;
}

std::vector<Parameter> Conv2d::parameters() {
  return {{name_ + "/kernel", &weight_, &weight_gradient_, {kernel_, kernel_, channels_, filters_}},
          {name_ + "/bias", &bias_, &bias_gradient_, {filters_}}};
}

MaxPool2::MaxPool2(std::size_t height, std::size_t width, std::size_t channels)
    : height_(height), width_(width), channels_(channels) {
  if (height % 2 || width % 2) throw std::invalid_argument("maxpool needs even sizes");
}

arma::fmat MaxPool2::forward(const arma::fmat& input) {
  const std::size_t oh = height_ / 2, ow = width_ / 2, rows = oh * ow * channels_;
  input_rows_ = input.n_rows;
  arma::fmat out(rows, input.n_cols);
  argmax_.set_size(rows * input.n_cols);
  for (std::size_t b = 0; b < input.n_cols; ++b) {
    const float* image = input.colptr(b);
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x)
        for (std::size_t c = 0; c < channels_; ++c) {
          std::size_t best = ((2 * y) * width_ + 2 * x) * channels_ + c;
          for (std::size_t dy = 0; dy < 2; ++dy)
            for (std::size_t dx = 0; dx < 2; ++dx) {
              const std::size_t at = ((2 * y + dy) * width_ + 2 * x + dx) * channels_ + c;
              if (image[at] > image[best]) best = at;  // first maximum on ties
            }
          const std::size_t o = (y * ow + x) * channels_ + c;
          out(o, b) = image[best];
          argmax_[b * rows + o] = best;
        }
  }
  return out;
}

arma::fmat MaxPool2::backward(const arma::fmat& g) {
  arma::fmat input_gradient(input_rows_, g.n_cols, arma::fill::zeros);
  for (std::size_t b = 0; b < g.n_cols; ++b)
    for (std::size_t o = 0; o < g.n_rows; ++o)
      input_gradient(argmax_[b * g.n_rows + o], b) += g(o, b);
  return input_gradient;
}

double SoftmaxCrossEntropy::loss(const arma::fmat& logits, const arma::uvec& labels,
                                 arma::fmat* gradient) {
  const std::size_t n = logits.n_cols;
  double total = 0;
  if (gradient) gradient->set_size(arma::size(logits));
  for (std::size_t b = 0; b < n; ++b) {
    // log-sum-exp in double, shifted by the largest logit
    const double top = logits.col(b).max();
    double sum = 0;
    for (std::size_t k = 0; k < logits.n_rows; ++k)
      sum += std::exp(static_cast<double>(logits(k, b)) - top);
    total += top + std::log(sum) - logits(labels[b], b);
    if (gradient) {
      for (std::size_t k = 0; k < logits.n_rows; ++k)
        (*gradient)(k, b) =
            static_cast<float>(std::exp(static_cast<double>(logits(k, b)) - top) / sum / n);
      (*gradient)(labels[b], b) -= 1.0f / static_cast<float>(n);
    }
  }
  return total / static_cast<double>(n);
}

}  // namespace quantlab::networks
