#pragma once
// `quantlab dataset import`: a known source (sources.hpp) fetched, verified and imported into
// one dataset file, or local files of a known format.
#include <string>
#include <vector>

#include "datasets/importers.hpp"
#include "datasets/sources.hpp"

namespace quantlab {

struct ImportResult {
  ImportReport report;
  bool reused = false;  ///< the dataset file was already there and valid: nothing done
};

/// Imports `source` into `out` (fetching into `cache`); reuses `out` when it holds this exact
/// source and version and every tensor matches its checksum.
ImportResult import_package(const PackageSource& source, const std::string& cache,
                            const std::string& out, bool convert_quantized);

/// The local formats: tfjs (model.json), idx (images,labels), gnubg (.wd), digits (.csv[.gz]),
/// embeddings (.json), and the model files of datasets/model_files.hpp: npy, safetensors,
/// onnx, hdf5 (any HDF5 file: Keras weights, h5py).
const std::vector<std::string>& local_formats();

/// Imports local files of `format` into `out` under `prefix`.
ImportReport import_files(const std::string& format, const std::vector<std::string>& inputs,
                          const std::string& prefix, const std::string& out,
                          bool convert_quantized);

}  // namespace quantlab
