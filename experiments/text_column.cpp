#include "experiments/text_column.hpp"

#include <functional>
#include <limits>
#include <stdexcept>

namespace quantlab {

TextColumn TextColumn::from_codes(std::vector<std::uint32_t> codes,
                                  std::vector<std::string> values) {
  TextColumn c;
  c.values_ = std::move(values);
  c.rehash(2 * c.values_.size() + 2);
  if (c.values_.size() > std::numeric_limits<std::uint32_t>::max() - 1)
    throw std::runtime_error("more distinct values than codes");
  for (std::uint32_t v = 0; v < c.values_.size(); ++v)
    if (c.code_of(c.values_[v]) != v)
      throw std::runtime_error("the value '" + c.values_[v] + "' twice");
  for (std::uint32_t code : codes)
    if (code >= c.values_.size())
      throw std::runtime_error("a code " + std::to_string(code) + " for " +
                               std::to_string(c.values_.size()) + " values");
  c.codes_ = std::move(codes);
  return c;
}

const std::string& TextColumn::at(std::size_t row) const {
  if (row >= size())
    throw std::out_of_range("row " + std::to_string(row) + " of a column of " +
                            std::to_string(size()));
  return (*this)[row];
}

void TextColumn::push_back(std::string_view cell) {
  // A column mostly repeats its last cell (one algorithm, one host, ...): that is one compare.
  if (!codes_.empty() && values_[codes_.back()] == cell)
    codes_.push_back(codes_.back());
  else
    codes_.push_back(code_of(cell));
}

void TextColumn::resize(std::size_t rows, std::string_view cell) {
  if (rows <= size()) {
    codes_.resize(rows);
    return;
  }
  codes_.resize(rows, code_of(cell));
}

void TextColumn::append(const TextColumn& other) {
  std::vector<std::uint32_t> recoded(other.values_.size());
  for (std::size_t v = 0; v < other.values_.size(); ++v) recoded[v] = code_of(other.values_[v]);
  codes_.reserve(size() + other.size());
  for (std::uint32_t code : other.codes_) codes_.push_back(recoded[code]);
}

bool TextColumn::operator==(const TextColumn& o) const {
  if (size() != o.size()) return false;
  for (std::size_t row = 0; row < size(); ++row)
    if ((*this)[row] != o[row]) return false;
  return true;
}

bool TextColumn::operator==(const std::vector<std::string>& cells) const {
  if (size() != cells.size()) return false;
  for (std::size_t row = 0; row < size(); ++row)
    if ((*this)[row] != cells[row]) return false;
  return true;
}

std::uint32_t TextColumn::code_of(std::string_view cell) {
  if (2 * (values_.size() + 1) > slots_.size())
    rehash(std::max<std::size_t>(16, 4 * values_.size()));
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = std::hash<std::string_view>()(cell) & mask;; s = (s + 1) & mask) {
    if (slots_[s] == 0) {
      values_.emplace_back(cell);
      slots_[s] = static_cast<std::uint32_t>(values_.size());
      return slots_[s] - 1;
    }
    if (values_[slots_[s] - 1] == cell) return slots_[s] - 1;
  }
}

// Slots for the values so far, at least `wanted` of them (a power of two). A value twice
// keeps the first's slot only (from_codes tells).
void TextColumn::rehash(std::size_t wanted) {
  std::size_t slots = 16;
  while (slots < wanted) slots *= 2;
  slots_.assign(slots, 0);
  const std::size_t mask = slots - 1;
  for (std::size_t v = 0; v < values_.size(); ++v) {
    std::size_t s = std::hash<std::string_view>()(values_[v]) & mask;
    while (slots_[s] != 0 && values_[slots_[s] - 1] != values_[v]) s = (s + 1) & mask;
    if (slots_[s] == 0) slots_[s] = static_cast<std::uint32_t>(v + 1);
  }
}

}  // namespace quantlab
