// SPDX-License-Identifier: GPL-2.0-only
/*
 * TensorCodec: exact fp32 round trip, bounded fp16/int8 error, byte counts
 * by formula, corrupted or mismatched bytes rejected.
 */

#include "fedmoe/learning/moe-network.h"
#include "fedmoe/learning/tensor-codec.h"

#include <gtest/gtest.h>

using namespace fedmoe::learning;

namespace
{

std::vector<torch::Tensor>
Params(uint64_t seed)
{
    torch::manual_seed(seed);
    return {torch::randn({8, 16}), torch::randn({8}) * 10, torch::zeros({3, 2})};
}

std::vector<torch::Tensor>
Zeros()
{
    return {torch::zeros({8, 16}), torch::zeros({8}), torch::ones({3, 2})};
}

} // namespace

TEST(TensorCodec, Fp32IsExactAndSizedByFormula)
{
    const auto src = Params(1);
    const auto bytes = TensorCodec::Encode(src, Precision::FP32);
    // 12 header + 3 x 8 counts + (128 + 8 + 6) x 4 values + 4 CRC
    EXPECT_EQ(bytes.size(), 12u + 24 + 142 * 4 + 4);
    EXPECT_EQ(bytes.size(), TensorCodec::EncodedSize({128, 8, 6}, Precision::FP32));
    auto dst = Zeros();
    TensorCodec::Decode(bytes, dst);
    for (size_t i = 0; i < src.size(); ++i)
    {
        EXPECT_TRUE(torch::equal(src[i], dst[i])) << i;
    }
}

TEST(TensorCodec, Fp16AndInt8ErrorsStayWithinTheirBounds)
{
    const auto src = Params(2);
    for (Precision p : {Precision::FP16, Precision::INT8})
    {
        const auto bytes = TensorCodec::Encode(src, p);
        EXPECT_EQ(bytes.size(), TensorCodec::EncodedSize({128, 8, 6}, p));
        auto dst = Zeros();
        TensorCodec::Decode(bytes, dst);
        for (size_t i = 0; i < src.size(); ++i)
        {
            const auto err = (src[i] - dst[i]).abs();
            const double maxAbs = src[i].abs().max().item<double>();
            if (p == Precision::FP16)
            {
                // Round to nearest half: relative error <= 2^-11 for normal values.
                const auto bound = src[i].abs() * std::ldexp(1.0, -11) + 1e-7;
                EXPECT_TRUE((err <= bound).all().item<bool>()) << "fp16 tensor " << i;
            }
            else
            {
                // Symmetric per-tensor scale max|x|/127: error <= half a step.
                EXPECT_LE(err.max().item<double>(), maxAbs / 254.0 + 1e-6) << "int8 tensor " << i;
            }
            if (maxAbs == 0)
            {
                EXPECT_TRUE(torch::equal(dst[i], src[i])) << "zeros stay zeros";
            }
        }
        // The measured error, for the record (randn values, 128 of them).
        std::cout << (p == Precision::FP16 ? "fp16" : "int8") << ": " << bytes.size()
                  << " bytes, max abs error " << (src[0] - dst[0]).abs().max().item<double>()
                  << "\n";
    }
}

TEST(TensorCodec, CorruptedOrMismatchedBytesAreRejected)
{
    auto bytes = TensorCodec::Encode(Params(3), Precision::FP32);
    auto dst = Zeros();
    auto corrupted = bytes;
    corrupted[40] ^= 0x10;
    EXPECT_THROW(TensorCodec::Decode(corrupted, dst), std::invalid_argument);
    EXPECT_TRUE(torch::equal(dst[0], torch::zeros({8, 16}))) << "nothing written before the check";

    std::vector<torch::Tensor> fewer = {torch::zeros({8, 16}), torch::zeros({8})};
    try
    {
        TensorCodec::Decode(bytes, fewer);
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_STREQ(e.what(), "TensorCodec: the bytes hold 3 tensors, the model has 2");
    }
    std::vector<torch::Tensor> other
        = {torch::zeros({8, 15}), torch::zeros({8}), torch::zeros({3, 2})};
    EXPECT_THROW(TensorCodec::Decode(bytes, other), std::invalid_argument);
    EXPECT_THROW(TensorCodec::Decode(std::vector<uint8_t>(10, 0), dst), std::invalid_argument);
    EXPECT_THROW(TensorCodec::Encode({torch::zeros({2}, torch::kInt64)}, Precision::FP32),
                 std::invalid_argument);
    EXPECT_EQ(ParsePrecision("int8"), Precision::INT8);
    EXPECT_THROW(ParsePrecision("bf16"), std::invalid_argument);
}

TEST(TensorCodec, RoundTripsAnExpertOfTheMoe)
{
    MoeShape shape;
    shape.inputSize = 16;
    shape.classes = 4;
    shape.experts = 3;
    shape.topK = 2;
    shape.hidden = 8;
    torch::manual_seed(4);
    MoeNetwork a(shape);
    torch::manual_seed(5);
    MoeNetwork b(shape);
    auto into = b->ExpertParameters(1);
    TensorCodec::Decode(TensorCodec::Encode(a->ExpertParameters(1), Precision::FP32), into);
    const auto want = a->ExpertParameters(1);
    const auto got = b->ExpertParameters(1);
    for (size_t i = 0; i < want.size(); ++i)
    {
        EXPECT_TRUE(torch::equal(want[i], got[i])) << i;
    }
    EXPECT_FALSE(torch::equal(a->ExpertParameters(0)[0], b->ExpertParameters(0)[0]))
        << "other experts untouched";
}
