// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeHelper: installs a federated MoE run on nodes built by
 * FedMoeEdgeNetworkHelper (or any nodes with IPv4): the learning core, the clients'
 * shards, the training executor, the server application and one client
 * application per device.
 */

#ifndef FEDMOE_HELPER_H
#define FEDMOE_HELPER_H

#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/learning/partitioner.h"

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/fedmoe-client-application.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-learning-options.h"
#include "ns3/fedmoe-progress.h"
#include "ns3/fedmoe-recorder.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/fedmoe-training-executor.h"
#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-helper
 * \brief Installs the server and the clients of a federated MoE run.
 *
 * \code
 *   FedMoeEdgeNetworkHelper edge;
 *   edge.InstallWifi(server, devices);
 *   FedMoeHelper fed;
 *   fed.SetModelOptions(model);            // data set, experts, top-k, ...
 *   fed.SetPartitionOptions(partition);    // e.g. 2 classes per client
 *   fed.SetPolicy("channel-aware");
 *   fed.SetRoundAttribute("Rounds", UintegerValue(20));
 *   fed.SetServerAttribute("OutputDirectory", StringValue("results/run"));
 *   fed.Install(edge);
 *   fed.AssignStreams(1000);
 *   Simulator::Run();                      // stops when the server is done
 * \endcode
 *
 * Install() builds the learning core (loading the data set) and partitions
 * the training set: it throws, before anything is simulated, when an option
 * is bad, the data set is missing or the output directory cannot be written.
 * It connects the records (FedMoeRecorder, when the server's OutputDirectory
 * is set) and the progress lines (FedMoeProgress, when its Progress is true)
 * as sinks of the server's trace sources, as FlowMonitorHelper installs its
 * monitor.
 */
class FedMoeHelper
{
  public:
    /**
     * \brief The model, training and partition are those of FedMoeModel,
     *        FedMoeTraining and FedMoePartition's attributes when Install runs
     *        (synthetic data, 8 experts, top-2, IID shards by default), the
     *        merging the server's Aggregation; the policy channel-aware.
     */
    FedMoeHelper();

    /** \param options data set and model (instead of FedMoeModel's attributes) */
    void SetModelOptions(const fedmoe::learning::ModelOptions& options);
    /** \param options local training (instead of FedMoeTraining's attributes) */
    void SetTrainOptions(const fedmoe::learning::TrainOptions& options);
    /** \param options merging (instead of FedMoeAggregation's attributes: sets the server's
     *  Aggregation) */
    void SetAggregationOptions(const fedmoe::learning::AggregationOptions& options);
    /** \param options how the training set is split, instead of FedMoePartition's attributes
     *  (clients is set by Install) */
    void SetPartitionOptions(const fedmoe::learning::PartitionOptions& options);

    /**
     * \brief Choose the alignment policy by name (default attributes).
     * \param name random | greedy | load-balanced | channel-aware | min-cost-flow
     * \throws std::invalid_argument naming the allowed names
     */
    void SetPolicy(const std::string& name);

    /**
     * \brief Set an attribute of the server application.
     * \param name attribute name
     * \param value its value
     */
    void SetServerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Set an attribute of the server's FedMoeRoundOptions (Rounds,
     *        LocalSteps, Participation, TargetAccuracy, ...), used unless
     *        the server's RoundOptions attribute is set.
     * \param name attribute name
     * \param value its value
     */
    void SetRoundAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Set an attribute of every client application.
     * \param name attribute name
     * \param value its value
     */
    void SetClientAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Set an attribute of every client's FedMoeComputeModel.
     * \param name attribute name
     * \param value its value
     */
    void SetComputeModelAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Set an attribute of the training executor.
     * \param name attribute name (e.g. "Threads")
     * \param value its value
     */
    void SetExecutorAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief When the clients start (the server starts at 0): client i at
     *        start + i x stagger. Without a call: 1 s, and 100 ms apart but
     *        all within 8 s (so before the server's default HelloTimeout).
     * \param start time (Wi-Fi stations need a moment to associate)
     * \param stagger gap between two clients' starts (connection setups
     *        that all collide on a Wi-Fi channel can stall for good)
     */
    void SetClientStartTime(Time start, Time stagger = Time(0));

    /**
     * \brief Install on explicit nodes.
     * \param server the server node
     * \param clients the client nodes (client i gets id i and shard i)
     * \param serverAddresses the server's address as seen by each client
     * \return the server application first, then the clients in order
     * \throws std::invalid_argument / std::runtime_error for bad options or data
     */
    ApplicationContainer Install(Ptr<Node> server, NodeContainer clients,
                                 const std::vector<Ipv4Address>& serverAddresses);

    /**
     * \brief Install on the topology an FedMoeEdgeNetworkHelper built; also gives the
     *        server the distances and (Wi-Fi) the stations' SNR.
     * \param edge the built topology
     * \return the server application first, then the clients in order
     */
    ApplicationContainer Install(const FedMoeEdgeNetworkHelper& edge);

    /**
     * \brief Fix the random streams of the server, the policy, the clients and
     *        their compute models.
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /** \return the learning core (null before Install) */
    std::shared_ptr<fedmoe::learning::FederatedMoe> GetModel() const;
    /** \return the executor (null before Install) */
    Ptr<FedMoeTrainingExecutor> GetExecutor() const;
    /** \return the server application (null before Install) */
    Ptr<FedMoeServerApplication> GetServer() const;
    /** \param i client index \return client application i */
    Ptr<FedMoeClientApplication> GetClient(uint32_t i) const;
    /** \return the number of client applications installed */
    uint32_t GetNClients() const;
    /** \return the shards that train, one per client */
    const std::vector<std::vector<int64_t>>& GetShards() const;
    /** \return the held-out splits, one per client (disjoint from the shards) */
    const std::vector<std::vector<int64_t>>& GetHoldouts() const;
    /** \return the model options */
    const fedmoe::learning::ModelOptions& GetModelOptions() const;
    /** \return the training options */
    const fedmoe::learning::TrainOptions& GetTrainOptions() const;

  private:
    fedmoe::learning::ModelOptions m_modelOptions;         //!< data set and model
    fedmoe::learning::TrainOptions m_trainOptions;         //!< local training
    fedmoe::learning::PartitionOptions m_partitionOptions; //!< shards
    bool m_modelSet{false};          //!< SetModelOptions was called (else: FedMoeModel's defaults)
    bool m_trainSet{false};          //!< SetTrainOptions was called (else: FedMoeTraining's)
    bool m_partitionSet{false};      //!< SetPartitionOptions was called (else: FedMoePartition's)
    ObjectFactory m_serverFactory;   //!< server application
    ObjectFactory m_roundFactory;    //!< the server's round options
    ObjectFactory m_clientFactory;   //!< client applications
    ObjectFactory m_computeFactory;  //!< compute models
    ObjectFactory m_executorFactory; //!< executor
    Time m_clientStart;              //!< client start time
    Time m_clientStagger;            //!< gap between two client starts
    bool m_staggerSet{false};        //!< SetClientStartTime() was called
    std::shared_ptr<fedmoe::learning::FederatedMoe> m_model; //!< built by Install
    std::vector<std::vector<int64_t>> m_shards;              //!< per client: trains
    std::vector<std::vector<int64_t>> m_holdouts;            //!< per client: held out
    double m_shardSizeCv{0};          //!< CV of the shard sizes (summary.json: shard_size_cv)
    double m_shardLabelTv{0};         //!< mean label-mix distance from the set's (shard_label_tv)
    std::string m_fidelity{"packet"}; //!< how the network is simulated (summary.json: fidelity)
    uint64_t m_expertWireBytes{0};    //!< declared expert size (0: real)
    uint64_t m_gateWireBytes{0};      //!< declared gate size (0: real)
    bool m_timingOnly{false};         //!< train nothing (summary.json: timing_only)
    Ptr<FedMoeTrainingExecutor> m_executor;              //!< built by Install
    Ptr<FedMoeServerApplication> m_server;               //!< installed
    std::vector<Ptr<FedMoeClientApplication>> m_clients; //!< installed

    /// Connects the records and progress sinks to the server's trace sources.
    void ConnectSinks();

    /**
     * \brief Give the server each client's true link and compute (its Oracle attribute).
     * \param edge the network (point-to-point only)
     */
    void SupplyTruth(const FedMoeEdgeNetworkHelper& edge);
};

} // namespace ns3

#endif // FEDMOE_HELPER_H
