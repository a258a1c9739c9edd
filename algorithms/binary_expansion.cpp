#include "algorithms/binary_expansion.hpp"

#include <stdexcept>

namespace quantlab {
namespace {

// The number of differing bits of two word arrays. On x86-64 a clone using the POPCNT
// instruction is picked at load time where the CPU has it (the baseline ISA does not).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("popcnt", "default")))
#endif
std::uint64_t
differing_bits(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) {
  std::uint64_t count = 0;
  for (std::size_t w = 0; w < words; ++w)
    count += static_cast<std::uint64_t>(__builtin_popcountll(a[w] ^ b[w]));
  return count;
}

}  // namespace

void BinaryExpansion::add(double scale, const arma::vec& signs) {
  if (signs.n_elem != n_) throw std::invalid_argument("sign vector of the wrong length");
  std::vector<std::uint64_t> words((n_ + 63) / 64, 0);
  for (std::size_t i = 0; i < n_; ++i)
    if (bsign(signs[i]) < 0) words[i / 64] |= std::uint64_t{1} << (i % 64);
  scales_.push_back(scale);
  words_.push_back(std::move(words));
}

arma::vec BinaryExpansion::reconstruct() const {
  arma::vec x(n_, arma::fill::zeros);
  for (std::size_t b = 0; b < scales_.size(); ++b)
    for (std::size_t i = 0; i < n_; ++i)
      x[i] += ((words_[b][i / 64] >> (i % 64)) & 1) ? -scales_[b] : scales_[b];
  return x;
}

double BinaryExpansion::dot(const BinaryExpansion& other) const {
  if (other.n_ != n_)
    throw std::invalid_argument("inner product of expansions of different lengths");
  double sum = 0;
  const std::size_t words = (n_ + 63) / 64;
  for (std::size_t i = 0; i < scales_.size(); ++i)
    for (std::size_t j = 0; j < other.scales_.size(); ++j) {
      // The padding bits past n are zero on both sides: they never differ.
      const std::uint64_t differing =
          differing_bits(words_[i].data(), other.words_[j].data(), words);
      sum += scales_[i] * other.scales_[j] *
             (static_cast<double>(n_) - 2.0 * static_cast<double>(differing));
    }
  return sum;
}

}  // namespace quantlab
