// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dataset readers: Fashion-MNIST idx (gzip), CIFAR-10 binary, synthetic.
 */

#include "dataset.h"

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace fedmoe
{
namespace learning
{

namespace
{

std::vector<uint8_t>
ReadGzipFile(const std::string& path, const std::string& format)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
    {
        throw std::runtime_error("cannot open " + path + " (expected " + format + ")");
    }
    boost::iostreams::filtering_istream in;
    in.push(boost::iostreams::gzip_decompressor());
    in.push(file);
    try
    {
        std::vector<uint8_t> bytes;
        char block[1 << 16];
        while (in.read(block, sizeof block) || in.gcount() > 0)
        {
            bytes.insert(bytes.end(), block, block + in.gcount());
        }
        return bytes;
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error(path + ": not a valid gzip file (expected " + format
                                 + "): " + e.what());
    }
}

uint32_t
BigEndian32(const std::vector<uint8_t>& b, size_t at)
{
    return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8)
           | uint32_t(b[at + 3]);
}

/// Parses an idx file; returns its dimensions, checks magic and size.
std::vector<int64_t>
ParseIdx(const std::vector<uint8_t>& b, const std::string& path, uint32_t dims)
{
    const std::string format = "gzip-compressed idx" + std::to_string(dims)
                               + " ubyte file (magic 0x0000080" + std::to_string(dims) + ")";
    if (b.size() < 4 + 4 * dims || BigEndian32(b, 0) != (0x0800u | dims))
    {
        throw std::runtime_error(path + ": bad header, expected " + format);
    }
    std::vector<int64_t> shape;
    size_t total = 1;
    for (uint32_t d = 0; d < dims; ++d)
    {
        shape.push_back(BigEndian32(b, 4 + 4 * d));
        total *= shape.back();
    }
    if (b.size() != 4 + 4 * dims + total)
    {
        throw std::runtime_error(path + ": size " + std::to_string(b.size())
                                 + " bytes does not match its header, expected " + format);
    }
    return shape;
}

torch::Tensor
BytesToTensor(const uint8_t* data, std::vector<int64_t> shape)
{
    return torch::from_blob(const_cast<uint8_t*>(data), shape, torch::kUInt8).clone();
}

} // namespace

int64_t
Dataset::Size() const
{
    return labels.defined() ? labels.size(0) : 0;
}

Dataset
Dataset::LoadFashionMnist(const std::string& dir, bool train)
{
    const std::string prefix = dir + "/" + (train ? "train" : "t10k");
    const std::string imagePath = prefix + "-images-idx3-ubyte.gz";
    const std::string labelPath = prefix + "-labels-idx1-ubyte.gz";
    auto imageBytes = ReadGzipFile(imagePath, "gzip-compressed idx3 ubyte images");
    auto labelBytes = ReadGzipFile(labelPath, "gzip-compressed idx1 ubyte labels");
    auto imageShape = ParseIdx(imageBytes, imagePath, 3);
    auto labelShape = ParseIdx(labelBytes, labelPath, 1);
    if (imageShape[0] != labelShape[0])
    {
        throw std::runtime_error(imagePath + " has " + std::to_string(imageShape[0])
                                 + " images but " + labelPath + " has "
                                 + std::to_string(labelShape[0]) + " labels");
    }
    Dataset set;
    auto images
        = BytesToTensor(imageBytes.data() + 16, {imageShape[0], 1, imageShape[1], imageShape[2]});
    // Fashion-MNIST training mean and standard deviation. In place: every fresh
    // 188 MB tensor costs ~0.5 s of page faults on a small VM.
    set.inputs = images.to(torch::kFloat32);
    set.inputs.div_(255.0f).sub_(0.2860f).div_(0.3530f);
    set.labels = BytesToTensor(labelBytes.data() + 8, {labelShape[0]}).to(torch::kInt64);
    set.classes = 10;
    if (set.labels.max().item<int64_t>() >= set.classes)
    {
        throw std::runtime_error(labelPath + ": label outside [0, 10)");
    }
    return set;
}

Dataset
Dataset::LoadCifar10(const std::string& dir, bool train)
{
    const std::string format
        = "CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes (3x32x32)";
    std::vector<std::string> paths;
    if (train)
    {
        for (int i = 1; i <= 5; ++i)
        {
            std::string path = dir + "/data_batch_" + std::to_string(i) + ".bin";
            if (std::ifstream(path).good())
            {
                paths.push_back(path);
            }
        }
        if (paths.empty())
        {
            throw std::runtime_error("no " + dir + "/data_batch_1.bin (expected " + format + ")");
        }
    }
    else
    {
        paths.push_back(dir + "/test_batch.bin");
    }
    constexpr size_t record = 1 + 3072;
    std::vector<uint8_t> labels;
    std::vector<uint8_t> pixels;
    for (const auto& path : paths)
    {
        std::ifstream file(path, std::ios::binary);
        if (!file)
        {
            throw std::runtime_error("cannot open " + path + " (expected " + format + ")");
        }
        std::vector<uint8_t> b((std::istreambuf_iterator<char>(file)),
                               std::istreambuf_iterator<char>());
        if (b.empty() || b.size() % record != 0)
        {
            throw std::runtime_error(path + ": size " + std::to_string(b.size())
                                     + " is not a multiple of 3073 (expected " + format + ")");
        }
        for (size_t at = 0; at < b.size(); at += record)
        {
            if (b[at] >= 10)
            {
                throw std::runtime_error(path + ": label " + std::to_string(b[at])
                                         + " outside [0, 10) (expected " + format + ")");
            }
            labels.push_back(b[at]);
            pixels.insert(pixels.end(), b.begin() + at + 1, b.begin() + at + record);
        }
    }
    const auto n = static_cast<int64_t>(labels.size());
    Dataset set;
    set.inputs = BytesToTensor(pixels.data(), {n, 3, 32, 32}).to(torch::kFloat32);
    auto mean = torch::tensor({0.4914f, 0.4822f, 0.4465f}).view({1, 3, 1, 1});
    auto stdev = torch::tensor({0.2470f, 0.2435f, 0.2616f}).view({1, 3, 1, 1});
    set.inputs.div_(255.0f).sub_(mean).div_(stdev);
    set.labels = BytesToTensor(labels.data(), {n}).to(torch::kInt64);
    set.classes = 10;
    return set;
}

Dataset
Dataset::MakeSynthetic(int64_t samples, int64_t classes, int64_t features, uint64_t seed,
                       uint64_t noiseSeed)
{
    if (samples < 1 || classes < 2 || features < 1)
    {
        throw std::invalid_argument("synthetic set: samples (" + std::to_string(samples)
                                    + ") must be >= 1, classes (" + std::to_string(classes)
                                    + ") >= 2, features (" + std::to_string(features) + ") >= 1");
    }
    // A private generator keeps the global torch seed untouched.
    auto protoGen = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto noiseGen = at::make_generator<at::CPUGeneratorImpl>(noiseSeed);
    auto prototypes = torch::randn({classes, features}, protoGen);
    Dataset set;
    set.labels = torch::randint(classes, {samples}, noiseGen, torch::kInt64);
    auto noise = torch::randn({samples, features}, noiseGen);
    set.inputs = (prototypes.index_select(0, set.labels) + noise).view({samples, 1, 1, features});
    set.classes = classes;
    return set;
}

} // namespace learning
} // namespace fedmoe
