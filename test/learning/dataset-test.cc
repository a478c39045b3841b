// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of Dataset: synthetic set, CIFAR-10 binary files, Fashion-MNIST, errors.
 */

#include "fedmoe/learning/dataset.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

using fedmoe::learning::Dataset;

namespace
{

std::string
TempDir(const std::string& name)
{
    std::string dir = std::string(FEDMOE_BINARY_DIR) + "/learning-test-" + name;
    std::string cmd = "mkdir -p '" + dir + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return dir;
}

void
WriteCifarBatch(const std::string& path, int records, int labelOffset)
{
    std::ofstream out(path, std::ios::binary);
    for (int r = 0; r < records; ++r)
    {
        out.put(char((r + labelOffset) % 10));
        for (int p = 0; p < 3072; ++p)
        {
            out.put(char((r * 7 + p) % 256));
        }
    }
}

} // namespace

TEST(Dataset, SyntheticIsDeterministicAndShaped)
{
    auto a = Dataset::MakeSynthetic(200, 4, 16, 7, 8);
    auto b = Dataset::MakeSynthetic(200, 4, 16, 7, 8);
    auto c = Dataset::MakeSynthetic(200, 4, 16, 7, 9);
    EXPECT_EQ(a.Size(), 200);
    EXPECT_EQ(a.inputs.sizes(), (std::vector<int64_t>{200, 1, 1, 16}));
    EXPECT_TRUE(torch::equal(a.inputs, b.inputs));
    EXPECT_TRUE(torch::equal(a.labels, b.labels));
    EXPECT_FALSE(torch::equal(a.inputs, c.inputs));
    EXPECT_GE(a.labels.min().item<int64_t>(), 0);
    EXPECT_LT(a.labels.max().item<int64_t>(), 4);
    EXPECT_THROW(Dataset::MakeSynthetic(10, 1, 4, 1, 1), std::invalid_argument);
}

TEST(Dataset, Cifar10BinaryBatches)
{
    auto dir = TempDir("cifar");
    WriteCifarBatch(dir + "/data_batch_1.bin", 5, 0);
    WriteCifarBatch(dir + "/data_batch_2.bin", 3, 5);
    WriteCifarBatch(dir + "/test_batch.bin", 4, 2);
    auto train = Dataset::LoadCifar10(dir, true);
    auto test = Dataset::LoadCifar10(dir, false);
    EXPECT_EQ(train.Size(), 8);
    EXPECT_EQ(test.Size(), 4);
    EXPECT_EQ(train.inputs.sizes(), (std::vector<int64_t>{8, 3, 32, 32}));
    EXPECT_EQ(train.labels[5].item<int64_t>(), 5);
    EXPECT_EQ(test.labels[0].item<int64_t>(), 2);
}

TEST(Dataset, Cifar10BadFileNamesFileAndFormat)
{
    auto dir = TempDir("cifar-bad");
    {
        std::ofstream out(dir + "/test_batch.bin", std::ios::binary);
        out << "short";
    }
    try
    {
        Dataset::LoadCifar10(dir, false);
        FAIL() << "expected an error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("test_batch.bin"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("CIFAR-10 binary"), std::string::npos);
    }
    EXPECT_THROW(Dataset::LoadCifar10(dir + "/missing", true), std::runtime_error);
}

TEST(Dataset, FashionMnistMissingFileNamesIt)
{
    try
    {
        Dataset::LoadFashionMnist("/nonexistent", false);
        FAIL() << "expected an error";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("t10k-images-idx3-ubyte.gz"), std::string::npos);
    }
}

TEST(Dataset, FashionMnistTestSet)
{
    const std::string dir = "/usr/share/datasets/fashion-mnist";
    if (!std::ifstream(dir + "/t10k-images-idx3-ubyte.gz").good())
    {
        GTEST_SKIP() << "dataset-fashion-mnist not installed";
    }
    auto test = Dataset::LoadFashionMnist(dir, false);
    EXPECT_EQ(test.Size(), 10000);
    EXPECT_EQ(test.inputs.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
    EXPECT_EQ(test.classes, 10);
    // Balanced: 1,000 test images per class.
    EXPECT_EQ(torch::bincount(test.labels).min().item<int64_t>(), 1000);
}
