// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dataset: a labelled image set held once in memory as tensors (Fashion-MNIST,
 * CIFAR-10 binary batches, or a deterministic synthetic set).
 */

#ifndef FEDMOE_LEARNING_DATASET_H
#define FEDMOE_LEARNING_DATASET_H

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief Samples [N, C, H, W] (float, standardised) and labels [N] (int64).
 *
 * Client shards are index tensors into one Dataset, never copies.
 */
struct Dataset
{
    torch::Tensor inputs; //!< [N, C, H, W] float32
    torch::Tensor labels; //!< [N] int64 in [0, classes)
    int64_t classes = 0;  //!< number of classes

    /// \brief Number of samples.
    int64_t Size() const;

    /**
     * \brief Reads Fashion-MNIST (gzip idx files) from \p dir.
     * \param dir directory holding {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
     * \param train true for the 60,000 training samples, false for the 10,000 test ones
     * \throws std::runtime_error naming the file and the expected format
     */
    static Dataset LoadFashionMnist(const std::string& dir, bool train);

    /**
     * \brief Reads CIFAR-10 binary batches (data_batch_1..5.bin or test_batch.bin).
     * \param dir directory holding the batches; training reads every data_batch_N.bin present
     * \param train training batches or the test batch
     * \throws std::runtime_error naming the file and the expected format
     */
    static Dataset LoadCifar10(const std::string& dir, bool train);

    /**
     * \brief A deterministic, learnable synthetic set: per class a fixed random
     *        prototype plus Gaussian noise.
     * \param samples number of samples
     * \param classes number of classes (>= 2)
     * \param features input features (shape [N, 1, 1, features])
     * \param seed prototypes and noise seed (the same for train and test sets so
     *        they share prototypes; \p noiseSeed differs)
     * \param noiseSeed seed of the per-sample noise and labels
     */
    static Dataset MakeSynthetic(int64_t samples, int64_t classes, int64_t features, uint64_t seed,
                                 uint64_t noiseSeed);
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_DATASET_H
