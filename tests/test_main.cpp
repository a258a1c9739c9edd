#define DOCTEST_CONFIG_IMPLEMENT
#include <H5Cpp.h>
#include <doctest/doctest.h>

int main(int argc, char** argv) {
  H5::Exception::dontPrint();
  doctest::Context context(argc, argv);
  return context.run();
}
