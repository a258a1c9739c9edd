#include "algorithms/registry.hpp"

#include "algorithms/kmeans.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/uniform.hpp"

namespace quantlab {

const std::vector<AlgorithmInfo>& algorithms() {
  static const std::vector<AlgorithmInfo> all = {
      {"uniform",
       "K equally spaced levels, each value rounded to the nearest",
       "00-baselines.md (uniform); centroid reconstruction: paper 5, section 4",
       false,
       {choice_parameter("mode", "minmax", {"minmax", "symmetric", "optimal_step"},
                         "how the step and centre of the grid are chosen"),
        choice_parameter("reconstruction", "grid", {"grid", "centroid"},
                         "grid levels, or the weighted mean of each bin"),
        real_parameter("clip", 0, 0, 1e300,
                       "symmetric mode: clipping value A (0: the largest magnitude)")},
       [](const Parameters& p) {
         return std::make_unique<UniformQuantizer>(p.choice("mode"), p.choice("reconstruction"),
                                                   p.real("clip"));
       }},
      {"kmeans",
       "Lloyd's k-means on sorted data (O(K log n) per iteration)",
       "00-baselines.md (k-means); weights: paper 5 eq. (8)",
       true,
       {choice_parameter("init", "kmeans++", {"kmeans++", "random", "quantile"},
                         "starting centroids"),
        integer_parameter("n_init", 1, 1, 10000, "restarts; the least SSE is kept"),
        integer_parameter("max_iter", 300, 1, 1000000, "most update steps per restart"),
        real_parameter("tol", 0, 0, 1,
                       "stop when the relative SSE decrease is at most tol (0: only when "
                       "assignments repeat)")},
       [](const Parameters& p) {
         return std::make_unique<KmeansQuantizer>(
             p.choice("init"), static_cast<std::size_t>(p.integer("n_init")),
             static_cast<std::size_t>(p.integer("max_iter")), p.real("tol"));
       }},
      {"optimal",
       "exact optimal K-level quantizer (dynamic programme on the distinct values)",
       "00-baselines.md (exact optimal 1-D quantizer); Wang & Song 2011; Gronlund et al. 2017",
       false,
       {real_parameter("max_memory_mb", 2048, 1, 1e7,
                       "fail clearly instead of using more backtracking memory than this")},
       [](const Parameters& p) {
         return std::make_unique<OptimalQuantizer>(p.real("max_memory_mb"));
       }},
  };
  return all;
}

const AlgorithmInfo* find_algorithm(const std::string& name) {
  for (const auto& a : algorithms())
    if (a.name == name) return &a;
  return nullptr;
}

std::string algorithm_names() {
  std::string names;
  for (const auto& a : algorithms()) names += (names.empty() ? "" : ", ") + a.name;
  return names;
}

}  // namespace quantlab
