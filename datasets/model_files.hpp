#pragma once
// The files researchers keep their models in, read as tensors without any quantlab
// attributes: NumPy .npy and .npz, safetensors, ONNX, and any HDF5 file (Keras weights, h5py). Each
// reader takes the file as hostile: only regular files, allocation bounded by the file's size,
// shape products overflow-checked, every size checked against the bytes that are there;
// malformed input throws std::runtime_error, one line naming the file and the tensor.
// float16 and bfloat16 are decoded exactly to float32 and marked already_quantized; other
// dtypes (integers, booleans) are listed as skipped.
#include <optional>
#include <string>
#include <vector>

#include "datasets/tensor.hpp"

namespace quantlab {

struct ModelTensors {
  std::vector<Tensor> tensors;       ///< float tensors, in the file's order
  std::vector<std::string> skipped;  ///< "name (dtype)"
};

enum class ModelFormat { npy, npz, safetensors, onnx, hdf5 };

/// The format of a model file by its name and first bytes: .npy, .npz, .safetensors, .onnx, or an
/// HDF5 file that is not a quantlab dataset file (no format attribute). nullopt: none of these.
std::optional<ModelFormat> model_file_format(const std::string& path);

/// A .npy file: one tensor named `name` (any float dtype, C or Fortran order).
ModelTensors read_npy(const std::string& path, const std::string& name);
/// An .npz archive (numpy.savez, stored, or savez_compressed, deflated): each member
/// NAME.npy as tensor NAME; members that are not .npy are listed as skipped. Every member's
/// declared size is checked against its stored bytes (deflate's best ratio) before it is
/// read, its CRC when it is.
ModelTensors read_npz(const std::string& path);
/// A safetensors file: every tensor by its name (F64, F32, F16, BF16).
ModelTensors read_safetensors(const std::string& path);
/// An ONNX model's initializers by name (FLOAT, DOUBLE, FLOAT16, BFLOAT16; raw_data, the
/// typed fields, or external data files inside the model's folder).
ModelTensors read_onnx(const std::string& path);
/// Every floating dataset of an HDF5 file, named by its path (without the leading '/').
ModelTensors read_hdf5_datasets(const std::string& path);

/// The reader of `format`; a .npy tensor is named after the file (its stem).
ModelTensors read_model_file(const std::string& path, ModelFormat format);

}  // namespace quantlab
