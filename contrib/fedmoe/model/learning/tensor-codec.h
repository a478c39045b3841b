// SPDX-License-Identifier: GPL-2.0-only
/*
 * TensorCodec: a list of parameter tensors (a gate, an expert) to bytes and
 * back, in fp32, fp16 or int8, with a CRC-32. The byte count is what the
 * simulated network carries.
 */

#ifndef FEDMOE_LEARNING_TENSOR_CODEC_H
#define FEDMOE_LEARNING_TENSOR_CODEC_H

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief How parameter values travel.
 */
enum class Precision : uint8_t
{
    FP32 = 0, //!< exact
    FP16 = 1, //!< IEEE half: relative error <= 2^-11 within half's normal range
    INT8 = 2, //!< symmetric per tensor: error <= max|x| / 254
};

/**
 * \brief Parse a precision name.
 * \param name "fp32", "fp16" or "int8"
 * \return the precision
 * \throws std::invalid_argument naming the allowed names
 */
Precision ParsePrecision(const std::string& name);

/**
 * \brief Encodes and decodes lists of float tensors.
 *
 * Layout (little endian): magic "FMTC", version (1), precision, 2 reserved
 * bytes, tensor count (u32); per tensor: element count (u64), for int8 its
 * scale (f32), then the values (4, 2 or 1 bytes each); last the CRC-32 of
 * everything before it. Shapes are not sent: both ends know the model, and
 * Decode() checks every count against the tensors it fills.
 */
class TensorCodec
{
  public:
    /**
     * \brief Encode tensors.
     * \param tensors float32 tensors (any shape; contiguity not required)
     * \param precision how values travel
     * \return the bytes
     */
    static std::vector<uint8_t> Encode(const std::vector<torch::Tensor>& tensors,
                                       Precision precision);

    /**
     * \brief Decode bytes into existing tensors (values copied in place, no autograd).
     * \param bytes what Encode() produced
     * \param tensors the tensors to fill; their number and sizes must match
     * \throws std::invalid_argument naming what is wrong (checksum, magic,
     *         version, precision, counts, length)
     */
    static void Decode(const std::vector<uint8_t>& bytes, std::vector<torch::Tensor>& tensors);

    /**
     * \brief Bytes Encode() produces for tensors of these element counts.
     * \param numels element count of each tensor
     * \param precision how values travel
     * \return the byte count
     */
    static uint64_t EncodedSize(const std::vector<int64_t>& numels, Precision precision);
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_TENSOR_CODEC_H
