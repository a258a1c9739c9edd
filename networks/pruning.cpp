#include "networks/pruning.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace quantlab::networks {
std::vector<arma::fmat> magnitude_masks(Network& net, double keep) {
  if (!(keep > 0 && keep <= 1)) throw std::invalid_argument("the kept fraction must be in (0, 1]");
  const std::vector<Parameter> ks = net.kernels();
  std::vector<std::pair<float, std::size_t>> all;  // (|w|, global index)
  for (const auto& p : ks)
    for (float w : *p.value) all.emplace_back(std::abs(w), all.size());
  const auto kept = static_cast<std::size_t>(std::llround(keep * static_cast<double>(all.size())));
  // Largest magnitude first; equal magnitudes: the earlier weight first (a strict order).
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kept), all.end(),
                   [](const auto& a, const auto& b) {
                     return a.first != b.first ? a.first > b.first : a.second < b.second;
                   });
  std::vector<char> keep_flag(all.size(), 0);
  for (std::size_t i = 0; i < kept; ++i) keep_flag[all[i].second] = 1;
  std::vector<arma::fmat> masks;
  std::size_t offset = 0;
  for (const auto& p : ks) {
    arma::fmat m(arma::size(*p.value));
    for (std::size_t i = 0; i < m.n_elem; ++i) m[i] = keep_flag[offset + i];
    offset += m.n_elem;
    masks.push_back(std::move(m));
  }
  return masks;
}

void apply_masks(Network& net, const std::vector<arma::fmat>& masks, bool gradients) {
  const std::vector<Parameter> ks = net.kernels();
  if (ks.size() != masks.size()) throw std::invalid_argument("one mask per kernel expected");
  for (std::size_t i = 0; i < ks.size(); ++i) {
    *ks[i].value %= masks[i];
    if (gradients) *ks[i].gradient %= masks[i];
  }
}

}  // namespace quantlab::networks
