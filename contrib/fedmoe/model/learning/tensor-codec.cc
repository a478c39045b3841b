// SPDX-License-Identifier: GPL-2.0-only
/*
 * TensorCodec: parameter tensors to bytes and back (fp32, fp16, int8) with a CRC-32.
 */

#include "tensor-codec.h"

#include <boost/endian/conversion.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace fedmoe
{
namespace learning
{

namespace
{

constexpr uint8_t kMagic[4] = {'F', 'M', 'T', 'C'};
constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderBytes = 12; // magic, version, precision, reserved, count

/// CRC-32 (IEEE 802.3, reflected; the same value as zlib's and boost::crc_32_type),
/// eight bytes per table step (~5x boost's byte-wise loop).
uint32_t
Crc32(const uint8_t* data, size_t size)
{
    static const auto tables = []()
    {
        std::array<std::array<uint32_t, 256>, 8> t{};
        for (uint32_t i = 0; i < 256; ++i)
        {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
            {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i)
        {
            for (size_t s = 1; s < 8; ++s)
            {
                t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
            }
        }
        return t;
    }();
    uint32_t crc = 0xFFFFFFFFu;
    while (size >= 8)
    {
        const uint32_t lo = boost::endian::load_little_u32(data) ^ crc;
        const uint32_t hi = boost::endian::load_little_u32(data + 4);
        crc = tables[7][lo & 0xFF] ^ tables[6][(lo >> 8) & 0xFF] ^ tables[5][(lo >> 16) & 0xFF]
              ^ tables[4][lo >> 24] ^ tables[3][hi & 0xFF] ^ tables[2][(hi >> 8) & 0xFF]
              ^ tables[1][(hi >> 16) & 0xFF] ^ tables[0][hi >> 24];
        data += 8;
        size -= 8;
    }
    while (size-- > 0)
    {
        crc = tables[0][(crc ^ *data++) & 0xFF] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
}

size_t
ValueBytes(Precision p)
{
    switch (p)
    {
        case Precision::FP32:
            return 4;
        case Precision::FP16:
            return 2;
        case Precision::INT8:
            return 1;
    }
    throw std::invalid_argument("TensorCodec: precision " + std::to_string(int(p))
                                + " is unknown; allowed: 0 (fp32), 1 (fp16), 2 (int8)");
}

void
PutU32(std::vector<uint8_t>& out, uint32_t v)
{
    uint8_t b[4];
    boost::endian::store_little_u32(b, v);
    out.insert(out.end(), b, b + 4);
}

void
PutU64(std::vector<uint8_t>& out, uint64_t v)
{
    uint8_t b[8];
    boost::endian::store_little_u64(b, v);
    out.insert(out.end(), b, b + 8);
}

[[noreturn]] void
Fail(const std::string& what)
{
    throw std::invalid_argument("TensorCodec: " + what);
}

} // namespace

Precision
ParsePrecision(const std::string& name)
{
    if (name == "fp32")
    {
        return Precision::FP32;
    }
    if (name == "fp16")
    {
        return Precision::FP16;
    }
    if (name == "int8")
    {
        return Precision::INT8;
    }
    Fail("precision '" + name + "' is unknown; allowed: fp32|fp16|int8");
}

uint64_t
TensorCodec::EncodedSize(const std::vector<int64_t>& numels, Precision precision)
{
    uint64_t size = kHeaderBytes + 4; // header and CRC
    for (int64_t n : numels)
    {
        size += 8 + (precision == Precision::INT8 ? 4 : 0) + uint64_t(n) * ValueBytes(precision);
    }
    return size;
}

std::vector<uint8_t>
TensorCodec::Encode(const std::vector<torch::Tensor>& tensors, Precision precision)
{
    std::vector<int64_t> numels;
    for (const auto& t : tensors)
    {
        if (t.scalar_type() != torch::kFloat32)
        {
            Fail("tensor of type " + std::string(c10::toString(t.scalar_type()))
                 + " cannot be encoded; only float32");
        }
        numels.push_back(t.numel());
    }
    std::vector<uint8_t> out;
    out.reserve(EncodedSize(numels, precision));
    out.insert(out.end(), kMagic, kMagic + 4);
    out.push_back(kVersion);
    out.push_back(static_cast<uint8_t>(precision));
    out.push_back(0);
    out.push_back(0);
    PutU32(out, static_cast<uint32_t>(tensors.size()));

    torch::NoGradGuard noGrad;
    for (const auto& t : tensors)
    {
        const torch::Tensor flat = t.detach().contiguous().view(-1);
        PutU64(out, static_cast<uint64_t>(flat.numel()));
        const size_t at = out.size();
        switch (precision)
        {
            case Precision::FP32:
            {
                out.resize(at + flat.numel() * 4);
                std::memcpy(out.data() + at, flat.data_ptr<float>(), flat.numel() * 4);
                break;
            }
            case Precision::FP16:
            {
                const torch::Tensor half = flat.to(torch::kHalf);
                out.resize(at + flat.numel() * 2);
                std::memcpy(out.data() + at, half.data_ptr<at::Half>(), flat.numel() * 2);
                break;
            }
            case Precision::INT8:
            {
                const float maxAbs = flat.numel() > 0 ? flat.abs().max().item<float>() : 0.0F;
                const float scale = maxAbs > 0 ? maxAbs / 127.0F : 1.0F;
                uint32_t bits;
                std::memcpy(&bits, &scale, 4);
                PutU32(out, bits);
                const torch::Tensor q = (flat / scale).round().clamp(-127, 127).to(torch::kInt8);
                const size_t values = out.size();
                out.resize(values + flat.numel());
                std::memcpy(out.data() + values, q.data_ptr<int8_t>(), flat.numel());
                break;
            }
        }
    }
    PutU32(out, Crc32(out.data(), out.size()));
    return out;
}

void
TensorCodec::Decode(const std::vector<uint8_t>& bytes, std::vector<torch::Tensor>& tensors)
{
    if (bytes.size() < kHeaderBytes + 4)
    {
        Fail(std::to_string(bytes.size()) + " bytes are too few for a header and checksum");
    }
    const size_t body = bytes.size() - 4;
    if (boost::endian::load_little_u32(bytes.data() + body) != Crc32(bytes.data(), body))
    {
        Fail("checksum mismatch: the bytes were corrupted");
    }
    if (std::memcmp(bytes.data(), kMagic, 4) != 0)
    {
        Fail("bad magic (expected \"FMTC\")");
    }
    if (bytes[4] != kVersion)
    {
        Fail("version " + std::to_string(bytes[4]) + " is not supported (expected 1)");
    }
    const auto precision = static_cast<Precision>(bytes[5]);
    const size_t valueBytes = ValueBytes(precision);
    const uint32_t count = boost::endian::load_little_u32(bytes.data() + 8);
    if (count != tensors.size())
    {
        Fail("the bytes hold " + std::to_string(count) + " tensors, the model has "
             + std::to_string(tensors.size()));
    }

    torch::NoGradGuard noGrad;
    // Decode everything first, so a bad tensor leaves the model untouched.
    std::vector<torch::Tensor> decoded(count);
    size_t pos = kHeaderBytes;
    for (uint32_t i = 0; i < count; ++i)
    {
        const torch::Tensor& dst = tensors[i];
        const size_t extra = precision == Precision::INT8 ? 4 : 0;
        if (body - pos < 8 + extra)
        {
            Fail("tensor " + std::to_string(i) + " is cut short");
        }
        const uint64_t numel = boost::endian::load_little_u64(bytes.data() + pos);
        pos += 8;
        if (numel != uint64_t(dst.numel()))
        {
            Fail("tensor " + std::to_string(i) + " has " + std::to_string(numel)
                 + " values, the model's has " + std::to_string(dst.numel()));
        }
        float scale = 1.0F;
        if (precision == Precision::INT8)
        {
            const uint32_t bits = boost::endian::load_little_u32(bytes.data() + pos);
            std::memcpy(&scale, &bits, 4);
            pos += 4;
            if (!std::isfinite(scale) || scale <= 0)
            {
                Fail("tensor " + std::to_string(i) + " has an invalid int8 scale");
            }
        }
        if ((body - pos) / valueBytes < numel)
        {
            Fail("tensor " + std::to_string(i) + " is cut short");
        }
        const auto n = static_cast<int64_t>(numel);
        void* src = const_cast<uint8_t*>(bytes.data() + pos);
        torch::Tensor values;
        switch (precision)
        {
            case Precision::FP32:
                values = torch::from_blob(src, {n}, torch::kFloat32).clone();
                break;
            case Precision::FP16:
                values = torch::from_blob(src, {n}, torch::kHalf).to(torch::kFloat32);
                break;
            case Precision::INT8:
                values = torch::from_blob(src, {n}, torch::kInt8).to(torch::kFloat32) * scale;
                break;
        }
        decoded[i] = values.view(dst.sizes());
        pos += numel * valueBytes;
    }
    if (pos != body)
    {
        Fail(std::to_string(body - pos) + " trailing bytes");
    }
    for (uint32_t i = 0; i < count; ++i)
    {
        tensors[i].copy_(decoded[i]);
    }
}

} // namespace learning
} // namespace fedmoe
