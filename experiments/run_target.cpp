#include "experiments/run_target.hpp"

#include <stdexcept>

#include "experiments/grouped_quantization.hpp"

namespace quantlab {
namespace {

class TensorTarget : public RunTarget {
 public:
  std::vector<TensorGroup> groups(const Tensor& tensor,
                                  const Granularity& granularity) const override {
    return groups_of(tensor, granularity);
  }
  /// The whole tensor is a matrix when it has two axes or more; groups along an axis are not.
  std::vector<MatrixShape> matrices(const Tensor& tensor,
                                    const Granularity& granularity) const override {
    if (granularity.axis) return {};
    return {matrix_of(tensor.shape)};
  }
  bool trains(const Parameters&) const override { return false; }
  TrainedCompression train(const Parameters&, const NetworkCompressor&,
                           std::uint64_t) const override {
    throw std::logic_error("a tensor target does not train");
  }
  std::optional<NetworkScore> score(const arma::vec&, const Parameters&) const override {
    return std::nullopt;
  }
  std::optional<NetworkScore> reference_score(const arma::vec&) const override {
    return std::nullopt;
  }
  std::optional<ModelRatios> model_ratios(double, double, double) const override {
    return std::nullopt;
  }
};

}  // namespace

const RunTarget& tensor_target() {
  static const TensorTarget target;
  return target;
}

}  // namespace quantlab
