#pragma once
// A small MNIST-like dataset file for network tests: each of the 10 classes lights its own
// 6 × 6 block of a 28 × 28 image (180 on 30, plus Gaussian noise, clipped to 0 … 255), with
// train/ and test/ images and labels as the MNIST importer writes them.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"

namespace quantlab::testing {

inline void write_blocks_dataset(const std::string& path, std::size_t train, std::size_t test,
                                 double noise, std::uint64_t seed = 77) {
  Generator g(seed);
  std::vector<Tensor> tensors;
  for (auto [split, n] : {std::pair<std::string, std::size_t>{"train", train}, {"test", test}}) {
    Tensor images, labels;
    images.name = split + "/images", labels.name = split + "/labels";
    images.shape = {n, 28, 28}, labels.shape = {n};
    images.values.set_size(n * 784), labels.values.set_size(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t label = g.below(10);
      labels.values[i] = static_cast<double>(label);
      for (std::size_t p = 0; p < 784; ++p) {
        const std::size_t y = p / 28, x = p % 28, by = 2 + 6 * (label / 4),
                          bx = 2 + 6 * (label % 4);
        const bool lit = y >= by && y < by + 6 && x >= bx && x < bx + 6;
        images.values[i * 784 + p] =
            std::round(std::clamp((lit ? 180.0 : 30.0) + noise * g.normal(), 0.0, 255.0));
      }
    }
    tensors.push_back(images), tensors.push_back(labels);
  }
  write_dataset_file(path, tensors);
}

}  // namespace quantlab::testing
