/*
 * FedMoeScenario: the standard fedmoe scenario (an edge server, a population
 * of heterogeneous devices on Wi-Fi or a p2p star, a federated MoE) built
 * from one set of options that examples expose as CommandLine flags.
 */

#ifndef FEDMOE_SCENARIO_H
#define FEDMOE_SCENARIO_H

#include "ns3/command-line.h"
#include "ns3/fedmoe-recorder.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe
 * \brief What a scenario run produced (besides the files in outDir).
 */
struct FedMoeScenarioResult
{
    std::string error;            //!< non-empty: the run failed (why)
    uint32_t roundsCompleted{0};  //!< rounds recorded
    double finalAccuracy{0};      //!< last evaluated test accuracy
    uint32_t roundsToTarget{0};   //!< first round at the target (0: never)
    double timeToTargetS{0};      //!< simulated time of that round, s
    double simTimeS{0};           //!< simulated time at the end, s
    uint64_t bytesDown{0};        //!< server -> clients, bytes
    uint64_t bytesUp{0};          //!< clients -> server, bytes
    uint64_t dropped{0};          //!< updates that missed the deadline
    uint64_t rejected{0};         //!< messages rejected
    double wallS{0};              //!< wall-clock seconds of the run
    double setupWallS{0};         //!< of which building (data, model, network)
    double trainingWallS{0};      //!< of which training (LibTorch, executor)
    double serialisationWallS{0}; //!< of which codec + framing (server and clients)
    double aggregationWallS{0};   //!< of which merging updates
    double evaluationWallS{0};    //!< of which evaluating the global model
    /// The rest of the run: the packet-level network simulation and the
    /// applications' event handling.
    double NetworkWallS() const;
    std::vector<FedMoeRoundRecord> rounds; //!< one record per round
};

/**
 * \ingroup fedmoe
 * \brief The options of the standard scenario, as CommandLine flags, and its run.
 *
 * \code
 *   FedMoeScenario scenario;          // defaults: 20 devices on Wi-Fi 6, 8 experts, top-2
 *   CommandLine cmd(__FILE__);
 *   scenario.AddCommandLineValues(cmd);
 *   cmd.Parse(argc, argv);
 *   std::string error = scenario.Validate();   // before anything is written
 *   FedMoeScenarioResult result = scenario.Run();
 * \endcode
 */
struct FedMoeScenario
{
    std::string outDir = "results/fedmoe-wifi-edge"; //!< output directory
    std::string policy = "channel-aware";            //!< alignment policy name
    uint32_t rounds = 15;                            //!< federated rounds
    uint32_t clients = 20;                           //!< edge devices
    uint32_t experts = 8;                            //!< experts in the MoE
    uint32_t expertsPerClient = 2;                   //!< most experts a client trains
    uint32_t topK = 2;                               //!< experts mixed per sample
    uint32_t seed = 1;                               //!< ns-3 seed (and data/model seed)
    bool pcap = false;                               //!< pcap files in outDir
    bool flowmon = false;                            //!< FlowMonitor XML in outDir
    std::string dataset = "fashion-mnist";           //!< fashion-mnist | cifar10 | synthetic
    std::string dataDir;                             //!< data set directory
    std::string network = "wifi";                    //!< wifi | p2p
    double distanceMin = 1.0;                        //!< nearest station, m
    double distanceMax = 30.0;                       //!< farthest station, m
    double lossExponent = 3.0;                       //!< log-distance path-loss exponent
    double errorRate = 0.0;                          //!< p2p per-link packet error rate
    double bandwidthScale = 1.0;                     //!< multiplies device link rates
    double targetAccuracy = 0.7;                     //!< accuracy whose first crossing counts
    uint32_t localSteps = 20;                        //!< local steps per round
    double deadline = 20.0;                          //!< round deadline, simulated s
    uint32_t hidden = 32;                            //!< MLP expert hidden width
    double learningRate = 0.05;                      //!< local SGD step size
    double alignWeight = 0.1;                        //!< gate-alignment loss weight
    std::string gateAggregation = "assigned";        //!< all | assigned
    uint32_t classesPerClient = 2;                   //!< classes per client shard
    uint32_t evalSamples = 2000;                     //!< test samples evaluated (0: all)
    double participation = 1.0;                      //!< share of clients per round
    /// Device tier mix over the DeviceCatalog.
    std::string mix = "mcu-sensor=1,raspberry-pi-4=2,jetson-nano=1,midrange-phone=2,laptop=1";
    bool progress = true; //!< progress lines on stderr

    /**
     * \brief Registers every option as a CommandLine flag of the same name.
     * \param cmd the command line
     */
    void AddCommandLineValues(CommandLine& cmd);

    /**
     * \brief Checks the options (nothing is built or written).
     * \return empty if valid, else a message naming the flag, its value and what is allowed
     */
    std::string Validate() const;

    /**
     * \brief Builds the network and the federation, runs the simulation to the
     *        end, writes the records to outDir, and destroys the simulation.
     * \return the figures of the run (error set if it failed)
     * \throws std::invalid_argument if the options are invalid (nothing written)
     */
    FedMoeScenarioResult Run() const;
};

} // namespace ns3

#endif // FEDMOE_SCENARIO_H
