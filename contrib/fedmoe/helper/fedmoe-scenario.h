// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeScenario: the standard fedmoe scenario (an edge server, a population
 * of heterogeneous devices on Wi-Fi or a p2p star, a federated MoE) built
 * from attributes and a few network knobs that examples expose as CommandLine flags.
 */

#ifndef FEDMOE_SCENARIO_H
#define FEDMOE_SCENARIO_H

#include "ns3/command-line.h"
#include "ns3/fedmoe-recorder.h"
#include "ns3/node-container.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

class FedMoeEdgeNetworkHelper;

/**
 * \ingroup fedmoe-helper
 * \brief What a scenario run produced (besides the files in outDir).
 */
struct FedMoeScenarioResult
{
    std::string error;            //!< non-empty: the run failed (why)
    int signal{0};                //!< SIGINT or SIGTERM when one interrupted the run, else 0
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
 * \ingroup fedmoe-helper
 * \brief A short command-line flag that is another name for an Attribute.
 */
struct FedMoeFlagAlias
{
    std::string flag;            //!< e.g. "rounds" (for --rounds)
    std::string path;            //!< e.g. "ns3::FedMoeRoundOptions::Rounds"
    std::string allowed;         //!< what a valid value is, for error messages
    std::string scenarioDefault; //!< the standard scenario's default ("": the attribute's)
};

/**
 * \ingroup fedmoe-helper
 * \brief The standard scenario: its network (a field per knob) and its run;
 *        every model, training, data, partition, codec, aggregation and round
 *        knob is an Attribute, reached by a short flag that aliases it.
 *
 * \code
 *   FedMoeScenario::SetDefaults();     // this scenario's defaults, before parsing
 *   FedMoeScenario scenario;           // 20 devices on Wi-Fi 6
 *   CommandLine cmd(__FILE__);
 *   scenario.AddCommandLineValues(cmd); // --rounds is --ns3::FedMoeRoundOptions::Rounds
 *   cmd.Parse(argc, argv);
 *   std::string error = scenario.Validate();   // before anything is written
 *   FedMoeScenarioResult result = scenario.Run();
 * \endcode
 *
 * The aliases (Aliases(), one table) apply their value with
 * Config::SetDefault when parsed, in command-line order with the
 * --ns3::Type::Attribute flags, so --PrintHelp, --PrintAttributes, ConfigStore
 * and the run see the same values.
 */
class FedMoeScenario
{
  public:
    std::string policy = "channel-aware"; //!< alignment policy name
    uint32_t clients = 20;                //!< edge devices
    uint32_t seed = 1;                    //!< ns-3 seed, model seed and partition seed
    bool pcap = false;                    //!< pcap files in outDir
    bool flowmon = false;                 //!< FlowMonitor XML in outDir
    std::string network = "wifi";         //!< wifi | lte | p2p
    std::string fidelity = "packet";      //!< packet | flow (FedMoeFlowNetwork)
    std::string flowCalibration;          //!< JSON file of flow-level factors ("": the defaults)
    double distanceMin = 1.0;             //!< nearest station, m
    double distanceMax = 30.0;            //!< farthest station, m
    double lossExponent = 3.0;            //!< log-distance path-loss exponent
    double errorRate = 0.0;               //!< p2p per-link packet error rate
    double bandwidthScale = 1.0;          //!< multiplies device link rates
    double overstated = 0.0;         //!< share of p2p devices whose links are slower than announced
    double overstatement = 10.0;     //!< announced / real rate of those links
    std::string mobility = "static"; //!< static | random-walk | gauss-markov (wifi, lte)
    double speed = 1.0;              //!< mean device speed when moving, m/s
    std::string lteScheduler = "pf"; //!< LTE MAC scheduler: pf | rr
    bool netanim = false;            //!< NetAnim trace outDir/netanim.xml
    /// Device tier mix over the FedMoeDeviceCatalog.
    std::string mix = "mcu-sensor=1,raspberry-pi-4=2,jetson-nano=1,midrange-phone=2,laptop=1";

    /**
     * \brief Real / announced rate of each device's p2p link: overstated x
     *        clients of them (drawn from the seed) carry 1/overstatement.
     * \return one factor per client
     */
    std::vector<double> RateFactors() const;

    /** \return the flag -> attribute table (every short flag that is an attribute) */
    static const std::vector<FedMoeFlagAlias>& Aliases();

    /**
     * \brief Sets the standard scenario's defaults (Config::SetDefault of each
     *        alias with a scenario default: 15 rounds, a 20 s deadline,
     *        Fashion-MNIST, ...). Call before parsing.
     */
    static void SetDefaults();

    /**
     * \brief Sets the attribute a flag aliases (Config::SetDefault).
     * \param flag the flag's name, without "--"
     * \param value its value, as on the command line
     * \return empty if set, else a message naming the flag, the value and what is allowed
     */
    static std::string Set(const std::string& flag, const std::string& value);

    /**
     * \param flag an alias's name
     * \return the current default of the attribute it aliases, as text
     */
    static std::string Get(const std::string& flag);

    /**
     * \param flag an alias of a numeric attribute (a Time in seconds)
     * \return the current default of the attribute it aliases
     */
    static double GetNumber(const std::string& flag);

    /**
     * \brief Registers the scenario's fields and the aliases as CommandLine flags.
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

    /**
     * \brief Builds the scenario's network only (what Run builds first): the
     *        device population, the network at the chosen fidelity (with the
     *        flow calibration applied), streams fixed.
     * \param server the server node
     * \param devices the client nodes
     * \param edge where it is built
     */
    void BuildNetwork(Ptr<Node> server, NodeContainer devices, FedMoeEdgeNetworkHelper& edge) const;

    /** \brief The TCP defaults every scenario uses (segment size, socket buffers). */
    static void ApplyTcpDefaults();

    /**
     * \brief Keeps the C library from handing every message buffer back to
     *        the kernel: a round allocates and frees thousands of buffers of
     *        a few hundred kB (over glibc's 128 kB mmap threshold), and each
     *        fresh mapping costs page faults and zeroing (30 % of a 2,000-client
     *        flow-level round). Call once, at the start of a program.
     */
    static void KeepBuffersInProcess();

    /**
     * \param name a --mobility value: static, random-walk or gauss-markov
     * \return the ns-3 mobility model's TypeId name ("" if the name is unknown)
     */
    static std::string MobilityType(const std::string& name);

  private:
    /// Config::SetDefault of the flow calibration's attributes (none if there is none).
    void ApplyFlowCalibration() const;

    std::string m_flagError; //!< the first alias value the command line could not set
};

} // namespace ns3

#endif // FEDMOE_SCENARIO_H
