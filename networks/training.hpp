#pragma once
// Training and evaluating a Network on an image classification set: seeded shuffling,
// mini-batch SGD with (Nesterov) momentum or Adam, and the test loss and accuracy.
// Deterministic for a seed (and one BLAS thread): the order of every batch and every
// floating-point operation is fixed.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "networks/network.hpp"

namespace quantlab::networks {

/// Images as columns (pixels scaled to [0, 1] minus the training mean) and their labels.
struct LabelledImages {
  arma::fmat images;
  arma::uvec labels;
};

/// Training images held out of training (quantlab net train --holdout): `images` positions
/// of the train split drawn by a seeded shuffle, on which K, a rate or an epoch can be chosen
/// with images neither the network nor the test set's scores have seen. Saved with the network
/// (attributes holdout_images and holdout_seed) and kept out of every later training of it.
struct Holdout {
  std::size_t images = 0;
  std::uint64_t seed = 0;
};

/// The held-out positions among `count` training images, ascending: the first
/// holdout.images of a Fisher–Yates shuffle by quantlab's generator seeded with holdout.seed.
/// A holdout that leaves no image to train on is an error.
std::vector<std::size_t> held_out_positions(std::size_t count, const Holdout& holdout);

/// A train split divided by a holdout: the images trained on, in their order (`limit` > 0
/// keeps the first that many), and the held-out ones (all of them, in their order).
struct TrainingImages {
  LabelledImages train, held_out;
};
TrainingImages split_holdout(const LabelledImages& all, const Holdout& holdout,
                             std::size_t limit = 0);

/// The train split of `dataset_file` shifted by `mean_pixel` and divided by `holdout` (all of
/// it trained on without one; `limit` > 0 keeps the first that many images trained on). A
/// holdout the split cannot spare is an error naming the file.
TrainingImages load_training_images(const std::string& dataset_file, double mean_pixel,
                                    const Holdout& holdout, std::size_t limit = 0);

/// The train and test splits of an imported dataset file (mnist, fashion-mnist):
/// <split>/images [N, 28, 28] 0..255 and <split>/labels, and the images `holdout` keeps out
/// of training. All are shifted by the mean pixel of the images trained on; `train_limit` > 0
/// keeps the first that many of those.
struct ImageSplits {
  LabelledImages train, test, held_out;
  double mean_pixel = 0;
};
ImageSplits load_image_splits(const std::string& dataset_file, std::size_t train_limit = 0,
                              const Holdout& holdout = {});

/// One split (train or test), shifted by `mean_pixel` (the training mean a network was
/// trained with); `limit` > 0 keeps the first that many.
LabelledImages load_images(const std::string& dataset_file, const std::string& split,
                           std::size_t limit, double mean_pixel);

struct TrainingSettings {
  std::string optimizer = "sgd";  ///< sgd (Nesterov momentum) or adam
  std::size_t epochs = 10, batch = 256;
  double learning_rate = 0.1, momentum = 0.9, lr_decay = 1.0;  ///< lr × decay^epoch
  double weight_decay = 0;  ///< L2 penalty (wd/2)‖w‖² on the kernels (not the biases)
  std::size_t shift = 0;    ///< augmentation: each training image moved by up to ±shift pixels
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_epsilon = 1e-8;
  std::uint64_t seed = 0;
};

/// The optimizer's state per parameter (momentum or Adam's moments), kept across epochs.
class Optimizer {
 public:
  Optimizer(const TrainingSettings& settings, std::vector<Parameter> parameters);
  /// One update from the gradients (means over the batch) at learning rate `rate`.
  void step(double rate);
  /// Adam's √v̂ per parameter (importance weights, paper 5); empty for SGD.
  std::vector<arma::fmat> adam_root_second_moment() const;

 private:
  TrainingSettings settings_;
  std::vector<Parameter> parameters_;
  std::vector<arma::fmat> first_, second_;
  std::size_t steps_ = 0;
};

struct Evaluation {
  double loss = 0, accuracy = 0;  ///< mean cross-entropy; fraction correct
};
Evaluation evaluate(Network& net, const LabelledImages& data, std::size_t batch = 1000);

/// Trains for settings.epochs; `after_epoch(epoch, train_loss)` is called after each (may be
/// empty). `adjust_gradients`, called after each batch's backward pass and before the update, may
/// change the gradients (LC's penalty, pruning's masks).
void train(Network& net, const LabelledImages& data, const TrainingSettings& settings,
           Optimizer& optimizer, const std::function<void(std::size_t, double)>& after_epoch = {},
           const std::function<void()>& adjust_gradients = {});

}  // namespace quantlab::networks
