// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the campaign tests: a fresh scratch folder per test,
 * writing and reading small files, and the fake scenario's path.
 */

#ifndef FEDMOE_TEST_CAMPAIGN_UTIL_H
#define FEDMOE_TEST_CAMPAIGN_UTIL_H

#include "run-folder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace fedmoe
{
namespace campaign
{
namespace test
{

/// A fresh, empty folder named after the running test.
inline std::string
ScratchDir()
{
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string dir = std::string(FEDMOE_BINARY_DIR) + "/test-scratch/campaign/"
                      + info->test_suite_name() + "." + info->name();
    std::string command = "rm -rf '" + dir + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    MakeDirectories(dir);
    return dir;
}

inline void
WriteText(const std::string& path, const std::string& text)
{
    std::ofstream out(path);
    out << text;
    ASSERT_TRUE(out.good()) << path;
}

inline std::string
ReadText(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Number of lines of a file (0 when it does not exist).
inline size_t
CountLines(const std::string& path)
{
    std::ifstream in(path);
    size_t n = 0;
    std::string line;
    while (std::getline(in, line))
    {
        ++n;
    }
    return n;
}

} // namespace test
} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_TEST_CAMPAIGN_UTIL_H
