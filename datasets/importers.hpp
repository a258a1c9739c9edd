#pragma once
// Importers of real data into quantlab's dataset format (../shared/DATA.md has the layouts).
// Each reads files already on disk (fetch.hpp gets them), checks them, and adds float32
// tensors to a DatasetWriter with the source, version and licence as attributes. Malformed
// input throws std::runtime_error with one line naming the file; since the writer only
// renames its file into place on commit, no partial dataset file is ever left.
#include <string>
#include <vector>

#include "datasets/dataset_file.hpp"

namespace quantlab {

struct SourceInfo {
  std::string source;  ///< e.g. "npm:@upscalerjs/esrgan-slim@1.0.0"
  std::string version;
  std::string licence;
};

struct ImportReport {
  std::vector<std::string> imported;  ///< tensor names
  std::vector<std::string> skipped;   ///< "name (dtype): reason"
  std::size_t values = 0;             ///< imported values in all
};

/// A TensorFlow.js model (layers or graph model): manifest + shards. float32 tensors are
/// imported under `prefix`/name; float16 and uint8/uint16-quantized ones are skipped unless
/// `convert_quantized` (then decoded and marked with attribute already_quantized); int32 and
/// bool are always skipped. The shards' total size must equal what the manifest declares.
void import_tfjs(const std::string& model_json, const std::string& prefix, const SourceInfo& info,
                 bool convert_quantized, DatasetWriter& out, ImportReport& report);

/// An IDX image file and its label file (plain or gzip): `prefix`/images [N, rows, cols] and
/// `prefix`/labels [N], as float32 (pixel values 0..255 and labels are exact).
void import_idx(const std::string& images, const std::string& labels, const std::string& prefix,
                const SourceInfo& info, DatasetWriter& out, ImportReport& report);

/// GNU Backgammon's weights file gnubg.wd: every net's hidden and output weights and biases.
void import_gnubg_weights(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                          ImportReport& report);

/// scikit-learn's digits.csv(.gz): digits/images [N, 8, 8] and digits/labels [N].
void import_digits_csv(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                       ImportReport& report);

/// Word vectors as one JSON object {"word": [v_0, ..., v_{d-1}, norm, index], ...}, parsed as
/// a stream (the file never sits in memory): `name` [words, d] and the words in order as the
/// attribute-free companion is not stored (only values). `dims` values are kept per word.
void import_embeddings_json(const std::string& path, const std::string& name, std::size_t dims,
                            const SourceInfo& info, DatasetWriter& out, ImportReport& report);

}  // namespace quantlab
