// SPDX-License-Identifier: GPL-2.0-only
/*
 * FederatedMoe: the learning core as the rest of the system sees it, with no
 * LibTorch type in sight (ns-3 code includes this header). Holds the data
 * sets and the global model; trains clients' local jobs in parallel, merges
 * their updates per expert, evaluates.
 */

#ifndef FEDMOE_LEARNING_FEDERATED_MOE_H
#define FEDMOE_LEARNING_FEDERATED_MOE_H

#include <cstdint>
#include <memory>
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
 * \brief Data set and model: fixed for a whole run.
 */
struct ModelOptions
{
    std::string dataset = "synthetic";     //!< "fashion-mnist" | "cifar10" | "synthetic"
    std::string dataDir;                   //!< empty: /usr/share/datasets/fashion-mnist (Debian)
    uint32_t syntheticTrainSamples = 4000; //!< synthetic set sizes and shape
    uint32_t syntheticTestSamples = 1000;  //!< ...
    uint32_t syntheticFeatures = 32;       //!< ...
    uint32_t syntheticClasses = 10;        //!< ...
    uint32_t evalSamples = 0;              //!< test samples evaluated; 0: the whole test set
    uint32_t evalTopK = 0;                 //!< experts mixed per test sample (0: topK)
    uint32_t experts = 8;                  //!< E
    uint32_t topK = 2;                     //!< experts mixed per sample
    uint32_t hidden = 64;                  //!< hidden width of an MLP expert
    std::string expertKind = "mlp";        //!< "mlp" | "cnn" (image data only)
    std::string precision = "fp32";        //!< parameters on the wire: "fp32" | "fp16" | "int8"
    uint64_t seed = 1;                     //!< initial weights and synthetic data
};

/**
 * \brief How a client trains locally.
 */
struct TrainOptions
{
    std::string optimizer = "sgd"; //!< "sgd" (with optional momentum) | "adam"
    double learningRate = 0.05;    //!< step size
    double momentum = 0.0;         //!< SGD momentum in [0, 1)
    uint32_t batchSize = 32;       //!< samples per step
    double auxLossWeight = 0.0;    //!< Switch-style load-balancing term
    double alignLossWeight = 0.0;  //!< gate-alignment term (see MoeNetwork)
    /// FedRS (Li & Zhan, KDD 2021): the logits of the classes absent from the
    /// client's shard are scaled by this factor in the local loss; 1: off.
    double restrictedSoftmax = 1.0;
};

/**
 * \brief How updates are merged into the global model.
 */
struct AggregationOptions
{
    std::string gate = "all";  //!< "all": gate averaged over every participant;
                               //!< "assigned": gate row e over the clients assigned e
    std::string rule = "mean"; //!< "mean" (weighted FedAvg) | "median" | "trimmed-mean"
    double trimFraction = 0.2; //!< share cut from each end by "trimmed-mean", in [0, 0.5)
    /// How the global model moves towards the merge (see ServerOptimizer):
    /// "none" (FedAvg: take it), "momentum" (FedAvgM), "adam" (FedAdam).
    std::string serverOptimizer = "none";
    double serverLearningRate = 1.0; //!< server step size, > 0
    double serverMomentum = 0.9;     //!< FedAvgM's beta / FedAdam's beta1, in [0, 1)
    double serverBeta2 = 0.99;       //!< FedAdam's second-moment decay, in [0, 1)
    double serverEpsilon = 1e-3;     //!< FedAdam's adaptivity tau, > 0
};

/**
 * \brief One client's local training job: exactly what its ASSIGN carried,
 *        plus its shard.
 */
struct TrainJob
{
    uint32_t client = 0;                            //!< client id (for the caller)
    std::vector<uint32_t> experts;                  //!< assigned experts, sorted, distinct
    std::vector<uint8_t> gate;                      //!< gate parameters (codec bytes)
    std::vector<std::vector<uint8_t>> expertParams; //!< one per assigned expert
    std::vector<int64_t> shard;                     //!< training-set indices of the client
    uint32_t steps = 0;                             //!< local steps (batches)
    uint64_t seed = 0;                              //!< batch order
};

/**
 * \brief What a job returns: the UPDATE's content.
 */
struct TrainResult
{
    uint32_t client = 0;                            //!< from the job
    std::vector<uint32_t> experts;                  //!< from the job
    std::vector<uint8_t> gate;                      //!< trained gate (codec bytes)
    std::vector<std::vector<uint8_t>> expertParams; //!< trained experts (codec bytes)
    uint64_t samples = 0;                           //!< samples processed (steps x batch)
    double meanLoss = 0;                            //!< mean cross-entropy over the steps
    double flops = 0;                               //!< FLOPs done (from layer shapes)
    std::vector<uint64_t> routedSamples;            //!< per expert (all E): samples routed to it
    std::vector<double> routingShare;               //!< per expert (all E): the gate's mean
                                                    //!< softmax share on this client's data
    std::string error;                              //!< non-empty: the job failed (why)
};

/**
 * \brief Global model on the test set.
 */
struct Evaluation
{
    double accuracy = 0;              //!< top-1, in [0, 1]
    double loss = 0;                  //!< mean cross-entropy
    uint64_t samples = 0;             //!< test samples evaluated
    std::vector<double> routingShare; //!< per expert: share of the routing weight
    double routingEntropyBits = 0;    //!< entropy of routingShare, bits (log2 E: spread)
};

/**
 * \brief The learning core behind a torch-free interface.
 *
 * Train() is const and thread-safe: it never touches the global model, so a
 * result depends only on the job. Aggregate() and Evaluate() use the global
 * model.
 */
class FederatedMoe
{
  public:
    /**
     * \brief Loads the data set and builds the initial global model.
     * \throws std::invalid_argument naming a bad option and what is allowed;
     *         std::runtime_error naming a missing or malformed data file
     */
    FederatedMoe(const ModelOptions& model, const TrainOptions& train);
    ~FederatedMoe();
    FederatedMoe(const FederatedMoe&) = delete;
    FederatedMoe& operator=(const FederatedMoe&) = delete;

    /// \brief The options it was built with.
    const ModelOptions& GetModelOptions() const;
    /// \brief The training options.
    const TrainOptions& GetTrainOptions() const;

    /// \brief Number of experts E.
    uint32_t Experts() const;
    /// \brief Number of classes.
    uint32_t Classes() const;
    /// \brief Labels of the training set (to partition it into shards).
    std::vector<int64_t> TrainLabels() const;

    /// \brief The global gate as codec bytes.
    std::vector<uint8_t> EncodeGate() const;
    /// \brief Global expert \p e as codec bytes.
    std::vector<uint8_t> EncodeExpert(uint32_t e) const;
    /// \brief Bytes of an encoded gate.
    uint64_t GateBytes() const;
    /// \brief Bytes of one encoded expert.
    uint64_t ExpertBytes() const;
    /// \brief FLOPs of one training sample (forward + backward) with \p assigned experts.
    double TrainFlopsPerSample(uint32_t assigned) const;

    /**
     * \brief Trains one job (the calling thread, LibTorch intra-op threads as set).
     * \return the result; a bad job (bytes, expert ids, shard) gives result.error
     */
    TrainResult Train(const TrainJob& job) const;

    /**
     * \brief What a job would return without training it (timing-only runs):
     *        the parameters it was given, the samples and FLOPs its steps
     *        would take (steps x batch), the routing spread evenly over the assigned experts (top-k
     *        of them per sample), the loss of a uniform guess (ln classes).
     * \return the result (error set for a bad job, as Train)
     */
    TrainResult Untrained(const TrainJob& job) const;

    /**
     * \brief Trains many jobs over \p threads worker threads, one intra-op
     *        thread each. Results are in job order and equal Train(job) alone.
     * \param threads 0: the machine's cores
     */
    std::vector<TrainResult> TrainAll(const std::vector<TrainJob>& jobs,
                                      uint32_t threads = 0) const;

    /**
     * \brief Merges updates into the global model: expert e is the average of
     *        the updates that trained it, weighted by samples routed to e (or a
     *        robust rule); the gate as \p options say; untrained experts stay.
     *        The server optimizer then steps each merged group from the global
     *        model towards its merge, keeping its moments across calls (they
     *        restart when the server-optimizer options change).
     * \throws std::invalid_argument for a bad update (bytes, ids), before any change
     */
    void Aggregate(const std::vector<TrainResult>& updates, const AggregationOptions& options);

    /// \brief Evaluates the global model on the test set.
    Evaluation Evaluate() const;

    /**
     * \brief Personalised evaluation: training-set samples (a client's
     *        held-out split, which never trains) through the global model
     *        with routing restricted to \p experts, as that client would infer
     *        with the experts that fit it.
     * \param indices training-set indices
     * \param experts expert ids (empty: all, the global model as it is)
     * \throws std::invalid_argument for an index or expert id out of range
     */
    Evaluation EvaluateOn(const std::vector<int64_t>& indices,
                          const std::vector<uint32_t>& experts) const;

    /**
     * \brief Top-1 accuracy of many personalised evaluations at once: job j
     *        is EvaluateOn(indices[j], experts[j]).accuracy, but the jobs that
     *        restrict routing to the same experts go through the network
     *        together (a round's thousand clients in a few dozen passes).
     * \param indices per job, training-set indices
     * \param experts per job, expert ids (empty: all)
     * \return per job, the accuracy (NaN for a job without samples)
     * \throws std::invalid_argument for sizes that differ, an index or expert id out of range
     */
    std::vector<double> AccuracyOn(const std::vector<std::vector<int64_t>>& indices,
                                   const std::vector<std::vector<uint32_t>>& experts) const;

  private:
    class Impl;
    std::unique_ptr<Impl> m_impl; //!< LibTorch state
};

/**
 * \brief Checks aggregation options.
 * \throws std::invalid_argument naming the bad value and what is allowed
 */
void ValidateAggregationOptions(const AggregationOptions& options);

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_FEDERATED_MOE_H
