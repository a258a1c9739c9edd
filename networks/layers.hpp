#pragma once
// Layers of small networks on Armadillo (float32, OpenBLAS GEMM), for the experiments that
// judge a quantizer by the trained network it leaves (papers 4 and 5). A batch is a matrix
// with one sample per column; an image sample is stored height × width × channels with the
// channel fastest (HWC), so a convolution's output F × (pixels · batch) is already the next
// layer's batch, and a kernel's memory is the HWIO tensor [kh, kw, in, out].
#include <armadillo>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/generator.hpp"

namespace quantlab::networks {

/// A trainable tensor: its value, its gradient, and the shape it is saved with.
struct Parameter {
  std::string name;
  arma::fmat* value;
  arma::fmat* gradient;
  std::vector<std::size_t> shape;
};

class Layer {
 public:
  virtual ~Layer() = default;
  /// Output for a batch (features × samples); keeps what backward needs.
  virtual arma::fmat forward(const arma::fmat& input) = 0;
  /// Gradient with respect to the input, given the output's; adds the parameters' gradients
  /// to their gradient matrices (zeroed by the caller).
  virtual arma::fmat backward(const arma::fmat& output_gradient) = 0;
  virtual std::vector<Parameter> parameters() { return {}; }
  virtual std::string name() const = 0;
};

/// y = W x + b with W out × in (saved as [in, out], the usual dense kernel layout).
class Dense : public Layer {
 public:
  Dense(std::string name, std::size_t in, std::size_t out, Generator& generator);
  arma::fmat forward(const arma::fmat& input) override;
  arma::fmat backward(const arma::fmat& output_gradient) override;
  std::vector<Parameter> parameters() override;
  std::string name() const override { return name_; }

 private:
  std::string name_;
  arma::fmat weight_, bias_, weight_gradient_, bias_gradient_, input_;
};

class Relu : public Layer {
 public:
  arma::fmat forward(const arma::fmat& input) override;
  arma::fmat backward(const arma::fmat& output_gradient) override;
  std::string name() const override { return "relu"; }

 private:
  arma::fmat input_;
};

/// Valid 2-D convolution, stride 1, by im2col and one GEMM per batch.
class Conv2d : public Layer {
 public:
  Conv2d(std::string name, std::size_t height, std::size_t width, std::size_t channels,
         std::size_t filters, std::size_t kernel, Generator& generator);
  arma::fmat forward(const arma::fmat& input) override;
  arma::fmat backward(const arma::fmat& output_gradient) override;
  std::vector<Parameter> parameters() override;
  std::string name() const override { return name_; }
  std::size_t out_height() const { return height_ - kernel_ + 1; }
  std::size_t out_width() const { return width_ - kernel_ + 1; }

 private:
  std::string name_;
  std::size_t height_, width_, channels_, filters_, kernel_;
  arma::fmat weight_, bias_, weight_gradient_, bias_gradient_;  // weight: F × (C·k·k)
  arma::fmat columns_;  // (C·k·k) × (pixels · batch), kept for backward
  std::size_t batch_ = 0;
};

/// 2 × 2 max-pooling, stride 2 (even sizes).
class MaxPool2 : public Layer {
 public:
  MaxPool2(std::size_t height, std::size_t width, std::size_t channels);
  arma::fmat forward(const arma::fmat& input) override;
  arma::fmat backward(const arma::fmat& output_gradient) override;
  std::string name() const override { return "maxpool"; }

 private:
  std::size_t height_, width_, channels_;
  arma::uvec argmax_;  // per output value, the input row it came from
  std::size_t input_rows_ = 0;
};

/// Mean softmax cross-entropy over a batch of logits (classes × samples) and its gradient.
struct SoftmaxCrossEntropy {
  /// Returns the mean loss; *gradient (if given) is d loss / d logits.
  static double loss(const arma::fmat& logits, const arma::uvec& labels, arma::fmat* gradient);
};

}  // namespace quantlab::networks
