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
    double holdoutFraction = 0.2;  //!< share of each shard held out (never trains), in [0, 1)
    uint64_t seed = 1;             //!< same seed, same shards
};

/**
 * \brief Client shards split into what trains and what is held out.
 */
struct HoldoutSplit
{
    std::vector<std::vector<int64_t>> train;   //!< per client, sorted
    std::vector<std::vector<int64_t>> heldOut; //!< per client, sorted; disjoint from train
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

    /**
     * \brief Holds out a random share of each shard (for personalised
     *        evaluation): round(fraction x size) samples, drawn with \p seed.
     * \param shards client shards
     * \param fraction share held out, in [0, 1)
     * \param seed same seed, same split
     * \return per client: the samples that train and the ones held out
     * \throws std::invalid_argument naming a fraction outside [0, 1)
     */
    static HoldoutSplit SplitHoldout(const std::vector<std::vector<int64_t>>& shards,
                                     double fraction, uint64_t seed);
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_PARTITIONER_H
