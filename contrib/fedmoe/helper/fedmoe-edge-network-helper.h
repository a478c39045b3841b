// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeEdgeNetworkHelper: builds the standard edge topologies in one call: an
 * 802.11ax cell (AP at the edge server, stations at given or random
 * distances), LTE cells with an EPC (FedMoeLteHelper; the server behind the
 * PGW), or a point-to-point star whose links follow each device's
 * FedMoeDeviceProfile (times a real-versus-announced rate factor); moves the
 * wireless clients (FedMoeMobilityHelper) and fades their channels; installs
 * the internet stack and IPv4 addresses; enables pcap, ascii and NetAnim
 * output through ns-3's helpers.
 */

#ifndef FEDMOE_EDGE_NETWORK_HELPER_H
#define FEDMOE_EDGE_NETWORK_HELPER_H

#include "fedmoe-lte-helper.h"
#include "fedmoe-mobility-helper.h"

#include "ns3/attribute.h"
#include "ns3/error-model.h"
#include "ns3/fedmoe-flow-network.h"
#include "ns3/ipv4-address.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/random-variable-stream.h"
#include "ns3/yans-wifi-helper.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

class AnimationInterface;
class FedMoeChannelEstimator;
class WifiPhy;
class YansWifiChannel;

/**
 * \ingroup fedmoe-helper
 * \brief One-call construction of the Wi-Fi cell, the LTE cells or the
 *        point-to-point star between an edge server and its client devices.
 *
 * \code
 *   FedMoeEdgeNetworkHelper edge;
 *   edge.SetDistanceRange(1.0, 40.0, 7);
 *   edge.SetPropagationLoss("ns3::LogDistancePropagationLossModel");
 *   edge.SetPropagationLossAttribute("Exponent", DoubleValue(3.0));
 *   edge.SetFading("ns3::NakagamiPropagationLossModel");
 *   edge.Mobility().SetModel("ns3::RandomWalk2dMobilityModel");
 *   edge.InstallWifi(server, clients);   // or InstallLte, InstallPointToPoint
 *   edge.ConnectChannelEstimator(estimator);
 *   edge.EnablePcap("out/edge");
 * \endcode
 *
 * Client i is reached at GetServerAddress(i) -> GetClientAddress(i) on every
 * topology.
 */
class FedMoeEdgeNetworkHelper
{
  public:
    /** \brief Which topology Install* built. */
    enum Topology
    {
        NONE, //!< nothing installed yet
        WIFI, //!< 802.11ax cell
        P2P,  //!< point-to-point star
        LTE   //!< LTE cells with an EPC
    };

    /** \brief How the network is simulated. */
    enum Fidelity
    {
        PACKET, //!< ns-3's devices, TCP/IP stacks, real packets (pcap)
        FLOW    //!< a FedMoeFlowNetwork: messages as flows sharing links and cells
    };

    /** \brief LogDistance loss (exponent 3), MinstrelHtWifiManager, 20 MHz, 1-40 m. */
    FedMoeEdgeNetworkHelper();

    /**
     * \brief Put the clients at these distances from the AP or their eNB (metres, > 0),
     *        one per client in order; overrides SetDistanceRange.
     * \param metres distances
     */
    void SetDistances(std::vector<double> metres);

    /**
     * \brief Draw each client's distance uniformly in [min, max] metres.
     * \param min > 0
     * \param max >= min
     * \param stream RNG stream of the draw (-1: automatic)
     */
    void SetDistanceRange(double min, double max, int64_t stream = -1);

    /**
     * \brief Choose the Wi-Fi propagation loss model by TypeId name (LTE: Lte().SetPathloss).
     * \param type e.g. "ns3::LogDistancePropagationLossModel",
     *        "ns3::FriisPropagationLossModel", "ns3::ThreeLogDistancePropagationLossModel"
     */
    void SetPropagationLoss(std::string type);

    /**
     * \brief Set an attribute of the propagation loss model.
     * \param name attribute name (e.g. "Exponent")
     * \param value its value
     */
    void SetPropagationLossAttribute(std::string name, const AttributeValue& value);

    /**
     * \brief Choose the Wi-Fi rate control by TypeId name.
     * \param type e.g. "ns3::MinstrelHtWifiManager" (default: learns from
     *        failures, so it copes with collisions), "ns3::IdealWifiManager"
     *        (picks by SNR, blind to interference)
     */
    void SetRemoteStationManager(std::string type);

    /**
     * \brief Set the Wi-Fi channel width.
     * \param mhz 20, 40, 80 or 160
     */
    void SetChannelWidth(uint16_t mhz);

    /**
     * \brief Whether stations use RTS/CTS before every data frame (default true).
     *
     * Stations on opposite sides of the AP often cannot hear each other
     * (hidden terminals); without RTS/CTS their frames collide at the AP until
     * the MAC gives up and TCP has to time out.
     * \param enable true for RTS/CTS
     */
    void SetRtsCts(bool enable);

    /**
     * \brief Whether InstallWifi fills the ARP caches up front (default true).
     *
     * Without it, stations that start sending together broadcast ARP requests
     * together; broadcast frames are never retried, so collided requests cost
     * ARP's 1 s retransmission timer and the first transfers measure ARP,
     * not the channel.
     * \param populate true to fill them
     */
    void SetPopulateArpCache(bool populate);

    /**
     * \brief Fading chained after the path loss of Wi-Fi and LTE, by TypeId name.
     * \param type a PropagationLossModel such as "ns3::NakagamiPropagationLossModel"
     *        (a new draw per frame, from its ns-3 random streams), or "" for none
     *        (default)
     */
    void SetFading(std::string type);

    /**
     * \brief Set an attribute of the fading model (after SetFading).
     * \param name attribute name (e.g. "m0")
     * \param value its value
     */
    void SetFadingAttribute(std::string name, const AttributeValue& value);

    /**
     * \brief Real rate / announced rate of each point-to-point link, one
     *        factor per client in order (default: all 1).
     *
     * The link of client i carries factor[i] x its profile's UplinkRate and
     * DownlinkRate; the profile, what the device announces, is unchanged.
     * \param factors finite, > 0
     */
    void SetRateFactors(std::vector<double> factors);

    /**
     * \brief Simulate the network at packet level (default) or flow level
     *        (before Install*).
     *
     * At flow level Install* places and moves the same nodes, with the same
     * path loss and fading, and builds a FedMoeFlowNetwork (GetFlowNetwork)
     * instead of devices, stacks and addresses; FedMoeHelper::Install puts
     * the server and the clients on it. pcap and ascii traces need packets.
     * \param fidelity PACKET or FLOW
     */
    void SetFidelity(Fidelity fidelity);
    /** \return the fidelity */
    Fidelity GetFidelity() const;
    /** \return the flow-level network (null at packet level or before Install*) */
    Ptr<FedMoeFlowNetwork> GetFlowNetwork() const;

    /** \brief The LTE settings (used by InstallLte). \return them */
    FedMoeLteHelper& Lte();

    /** \brief The clients' mobility (used by InstallWifi and InstallLte). \return it */
    FedMoeMobilityHelper& Mobility();

    /**
     * \brief Build the 802.11ax cell: AP on server, a station per client,
     *        internet stack, addresses 10.1.0.0/16.
     * \param server the edge server node
     * \param clients the client nodes
     */
    void InstallWifi(Ptr<Node> server, NodeContainer clients);

    /**
     * \brief Build the point-to-point star from the clients' EdgeDeviceProfiles
     *        (each client node must have one), internet stack, one /30 per
     *        link from 10.2.0.0.
     *
     * Per link: the client's device sends at UplinkRate and the server's at
     * DownlinkRate (a p2p device's rate is per direction, so the asymmetry is
     * exact); the channel delay is the profile's Latency; both ends drop
     * received packets at the profile's PacketErrorRate (RateErrorModel).
     * \param server the edge server node
     * \param clients the client nodes
     */
    void InstallPointToPoint(Ptr<Node> server, NodeContainer clients);

    /**
     * \brief Build the LTE cells of Lte(): eNBs, the clients as UEs at their
     *        distances (SetDistances / SetDistanceRange) moving as Mobility()
     *        says, the EPC, the server behind the PGW, addresses and routes.
     * \param server the edge server node
     * \param clients the client nodes
     */
    void InstallLte(Ptr<Node> server, NodeContainer clients);

    /**
     * \brief Feed the radio's view of each client's channel to an estimator
     *        (peer i = client i): Wi-Fi: the SNR of the AP's frames at the
     *        station (FedMoeChannelEstimator::ConnectWifiPhy); LTE: the SINR the UE
     *        reports for its cell (FedMoeChannelEstimator::ConnectLteUePhy);
     *        point-to-point: nothing (no radio).
     * \param estimator the estimator
     */
    void ConnectChannelEstimator(Ptr<FedMoeChannelEstimator> estimator) const;

    /**
     * \brief Write pcap files "<prefix>-<node>-<device>.pcap": every device
     *        built (Wi-Fi, p2p), or the server's end of the backhaul (LTE).
     * \param prefix path prefix (its directory must exist)
     */
    void EnablePcap(std::string prefix);

    /**
     * \brief Write an ascii trace "<prefix>.tr" of every device built.
     * \param prefix path prefix (its directory must exist)
     */
    void EnableAscii(std::string prefix);

    /**
     * \brief Write a NetAnim animation of the run (nodes labelled server,
     *        client i, eNB k); the helper must live until Simulator::Run returns.
     * \param file XML path (its directory must exist)
     */
    void EnableNetAnim(std::string file);

    /**
     * \brief Fix the random streams of the devices built (Wi-Fi PHY/MAC and
     *        channel, LTE, error models, mobility, fading).
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /** \brief Topology built. \return the topology */
    Topology GetTopology() const;
    /** \brief The server node. \return the node */
    Ptr<Node> GetServer() const;
    /** \brief The client nodes. \return the nodes */
    NodeContainer GetClients() const;
    /** \brief Server-side devices (Wi-Fi: the AP; p2p: one per client; LTE: the
     * backhaul's end). \return devices */
    NetDeviceContainer GetServerDevices() const;
    /** \brief Client devices, in client order. \return devices */
    NetDeviceContainer GetClientDevices() const;
    /** \brief Address of the server as seen by client i. \param i client index \return it */
    Ipv4Address GetServerAddress(uint32_t i) const;
    /** \brief Address of client i. \param i client index \return it */
    Ipv4Address GetClientAddress(uint32_t i) const;
    /** \brief Distance (3D) of client i from its AP or eNB now (it changes if the client
     * moves; p2p: 0). \param i client index \return metres */
    double GetDistance(uint32_t i) const;
    /** \brief MAC address of the AP (Wi-Fi only). \return it */
    Mac48Address GetApAddress() const;
    /** \brief Wi-Fi PHY of client i (null on p2p). \param i client index \return the PHY */
    Ptr<WifiPhy> GetClientPhy(uint32_t i) const;

  private:
    /// Fails clearly when a second Install* or a bad index is attempted.
    void RequireFresh() const;
    void RequireClient(uint32_t i) const;
    static void InstallInternetIfMissing(NodeContainer nodes);
    /// Install* at flow level (fedmoe-edge-network-flow.cc).
    void InstallWifiFlow(Ptr<Node> server, NodeContainer clients);
    void InstallPointToPointFlow(Ptr<Node> server, NodeContainer clients);
    void InstallLteFlow(Ptr<Node> server, NodeContainer clients);
    void FinishFlowInstall(Ptr<Node> server, NodeContainer clients, Ptr<FedMoeFlowAccess> access,
                           Topology topology);
    void ConnectFlowEstimator(Ptr<FedMoeChannelEstimator> estimator) const;
    Ptr<PropagationLossModel> CreateWifiLoss() const;

    Topology m_topology;                        //!< what was built
    ObjectFactory m_lossFactory;                //!< propagation loss
    std::string m_stationManager;               //!< rate control TypeId
    uint16_t m_channelWidth;                    //!< MHz
    bool m_rtsCts;                              //!< RTS/CTS for every data frame
    bool m_populateArp;                         //!< fill ARP caches on InstallWifi
    YansWifiPhyHelper m_phy;                    //!< kept for tracing
    PointToPointHelper m_p2p;                   //!< kept for tracing
    Ptr<Node> m_server;                         //!< edge server
    NodeContainer m_clients;                    //!< clients
    NetDeviceContainer m_serverDevices;         //!< server side
    NetDeviceContainer m_clientDevices;         //!< client side
    std::vector<Ipv4Address> m_serverAddrs;     //!< per client
    std::vector<Ipv4Address> m_clientAddrs;     //!< per client
    std::vector<double> m_distances;            //!< per client (Wi-Fi)
    std::vector<Ptr<RateErrorModel>> m_errors;  //!< p2p error models
    ObjectFactory m_fading;                     //!< fading after path loss (unset: none)
    std::vector<double> m_rateFactors;          //!< p2p real / announced
    FedMoeLteHelper m_lte;                      //!< LTE settings and cells
    FedMoeMobilityHelper m_mobility;            //!< client mobility
    Ptr<YansWifiChannel> m_wifiChannel;         //!< for its streams
    std::shared_ptr<AnimationInterface> m_anim; //!< NetAnim output
    Fidelity m_fidelity{PACKET};                //!< packet or flow level
    Ptr<FedMoeFlowNetwork> m_flow;              //!< flow level: the network
    Ptr<PropagationLossModel> m_flowLoss;       //!< flow level, Wi-Fi: loss + fading
};

} // namespace ns3

#endif // FEDMOE_EDGE_NETWORK_HELPER_H
