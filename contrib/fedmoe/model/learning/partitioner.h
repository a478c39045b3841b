// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partitioner: splits a training set's sample indices into client shards
 * (IID, k classes per client, Dirichlet label skew, quantity skew).
 * Torch-free so the federation layer can use it directly.
 */

#ifndef FEDMOE_LEARNING_PARTITIONER_H
#define FEDMOE_LEARNING_PARTITIONER_H

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
 * \brief How to split samples over clients.
 */
struct PartitionOptions
{
    std::string scheme = "iid";    //!< "iid" | "classes" | "dirichlet" | "quantity"
    uint32_t clients = 1;          //!< number of shards
    uint32_t classesPerClient = 2; //!< k of the "classes" scheme
    double alpha = 0.5;            //!< concentration of "dirichlet" (label) and "quantity" (size)
    uint64_t seed = 1;             //!< same seed, same shards
};

/**
 * \brief Splits sample indices into client shards; every index lands in exactly one shard.
 */
class Partitioner
{
  public:
    /**
     * \brief Partitions the samples whose labels are \p labels.
     * \param labels label of each sample, in [0, classes)
     * \param classes number of classes
     * \param options scheme, clients, seed and the scheme's parameter
     * \return one sorted index list per client
     * \throws std::invalid_argument naming a bad value and what is allowed
     */
    static std::vector<std::vector<int64_t>> Partition(const std::vector<int64_t>& labels,
                                                       int64_t classes,
                                                       const PartitionOptions& options);
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_PARTITIONER_H
