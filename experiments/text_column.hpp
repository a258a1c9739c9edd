#pragma once
// A text column of the results table: each row's cell is a code into the column's distinct
// values. A column of 10^5 rows naming a few algorithms is then 4 bytes a row and a few
// strings, not 10^5 strings, in memory and in the results file alike (format 4 stores the
// codes and the values as they are here). It reads like a std::vector<std::string>.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace quantlab {

class TextColumn {
 public:
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;

    const_iterator() = default;
    const_iterator(const TextColumn* column, std::size_t row) : column_(column), row_(row) {}
    reference operator*() const { return (*column_)[row_]; }
    pointer operator->() const { return &(*column_)[row_]; }
    reference operator[](difference_type d) const { return (*column_)[row_ + d]; }
    const_iterator& operator++() { return ++row_, *this; }
    const_iterator operator++(int) { return {column_, row_++}; }
    const_iterator& operator--() { return --row_, *this; }
    const_iterator operator--(int) { return {column_, row_--}; }
    const_iterator& operator+=(difference_type d) { return row_ += d, *this; }
    const_iterator& operator-=(difference_type d) { return row_ -= d, *this; }
    const_iterator operator+(difference_type d) const { return {column_, row_ + d}; }
    const_iterator operator-(difference_type d) const { return {column_, row_ - d}; }
    difference_type operator-(const const_iterator& o) const {
      return static_cast<difference_type>(row_) - static_cast<difference_type>(o.row_);
    }
    bool operator==(const const_iterator& o) const { return row_ == o.row_; }
    bool operator!=(const const_iterator& o) const { return row_ != o.row_; }
    bool operator<(const const_iterator& o) const { return row_ < o.row_; }
    bool operator>(const const_iterator& o) const { return row_ > o.row_; }
    bool operator<=(const const_iterator& o) const { return row_ <= o.row_; }
    bool operator>=(const const_iterator& o) const { return row_ >= o.row_; }

   private:
    const TextColumn* column_ = nullptr;
    std::size_t row_ = 0;
  };

  TextColumn() = default;
  TextColumn(std::initializer_list<std::string> cells) { append(cells.begin(), cells.end()); }
  TextColumn(const std::vector<std::string>& cells) { append(cells.begin(), cells.end()); }
  TextColumn(std::size_t rows, std::string_view cell) { resize(rows, cell); }
  /// A column as stored: `codes[row]` indexes `values`. Throws std::runtime_error (naming
  /// what) when a code is out of range or a value appears twice.
  static TextColumn from_codes(std::vector<std::uint32_t> codes, std::vector<std::string> values);

  std::size_t size() const { return codes_.size(); }
  bool empty() const { return codes_.empty(); }
  const std::string& operator[](std::size_t row) const { return values_[codes_[row]]; }
  const std::string& at(std::size_t row) const;
  const std::string& front() const { return (*this)[0]; }
  const std::string& back() const { return (*this)[size() - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

  void push_back(std::string_view cell);
  /// Row `row` (which must exist) holds `cell` from now on.
  void set(std::size_t row, std::string_view cell) { codes_.at(row) = code_of(cell); }
  /// Rows cut, or added holding `cell`.
  void resize(std::size_t rows, std::string_view cell = {});
  template <class Iterator>
  void append(Iterator first, Iterator last) {
    for (; first != last; ++first) push_back(*first);
  }
  void append(const TextColumn& other);
  void reserve(std::size_t rows) { codes_.reserve(rows); }

  /// Each row's code, and the distinct values in the order they first appeared.
  const std::vector<std::uint32_t>& codes() const { return codes_; }
  const std::vector<std::string>& values() const { return values_; }

  bool operator==(const TextColumn& o) const;
  bool operator!=(const TextColumn& o) const { return !(*this == o); }
  bool operator==(const std::vector<std::string>& cells) const;

 private:
  std::uint32_t code_of(std::string_view cell);
  void rehash(std::size_t slots);

  std::vector<std::uint32_t> codes_;
  std::vector<std::string> values_;
  std::vector<std::uint32_t> slots_;  ///< open addressing: a value's code + 1, or 0 (free)
};

}  // namespace quantlab
