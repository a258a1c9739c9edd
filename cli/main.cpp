// The quantlab command line: one executable, one command per verb (cli/commands.cpp).
#include <H5Cpp.h>
#include <signal.h>

#include <iostream>

#include "cli/commands.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/config.hpp"
#include "experiments/openblas_kernels.hpp"

int main(int argc, char** argv) {
  using namespace quantlab;
  choose_openblas_kernels(argv);  // may execute this program again, with the kernels pinned
  H5::Exception::dontPrint();     // errors are reported once, as one line, below
  // Past a file size limit (ulimit -f) a write fails with EFBIG and its own message, instead
  // of the signal killing the process mid-sweep.
  ::signal(SIGXFSZ, SIG_IGN);
  try {
    return cli::dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cli::UsageError& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 1;
  } catch (const H5::Exception& e) {  // HDF5's exceptions are not std::exceptions
    std::cerr << "quantlab: error: an HDF5 file: " << hdf5::describe(e) << "\n";
    return 1;
  }
}
