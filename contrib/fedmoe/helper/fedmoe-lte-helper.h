// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeLteHelper: the LTE cells of an edge network: ns-3's LteHelper with a
 * PointToPointEpcHelper, one or several eNBs, the clients as UEs and the edge
 * server as a host behind the PGW. Configured through
 * FedMoeEdgeNetworkHelper::Lte(), built by FedMoeEdgeNetworkHelper::InstallLte.
 */

#ifndef FEDMOE_LTE_HELPER_H
#define FEDMOE_LTE_HELPER_H

#include "ns3/attribute.h"
#include "ns3/data-rate.h"
#include "ns3/ipv4-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/vector.h"

#include <string>
#include <vector>

namespace ns3
{

class ChannelConditionModel;
class FedMoeFlowLteAccess;
class PropagationLossModel;
class LteHelper;
class LteUePhy;
class PointToPointEpcHelper;

/**
 * \ingroup fedmoe-helper
 * \brief LTE with an EPC between an edge server and its client devices.
 *
 * \code
 *   FedMoeEdgeNetworkHelper edge;
 *   edge.SetDistances({50.0, 900.0});
 *   edge.Lte().SetPathloss("ns3::ThreeGppUmiStreetCanyonPropagationLossModel");
 *   edge.Lte().SetChannelCondition("ns3::ThreeGppUmiStreetCanyonChannelConditionModel");
 *   edge.Lte().SetEnbHeight(10.0);
 *   edge.Lte().SetBackhaul(DataRate("1Gbps"), MilliSeconds(10));
 *   edge.InstallLte(server, clients);
 *   edge.Lte().EnableStats("out/lte");   // RLC and PDCP statistics
 * \endcode
 *
 * eNB k stands at (k x InterSiteDistance, 0, EnbHeight); client i is a UE
 * attached to eNB i mod EnbCount at its distance (FedMoeEdgeNetworkHelper's
 * SetDistances / SetDistanceRange) from it, 1.5 m high. The server reaches
 * the PGW over a point-to-point link (the backhaul, 10.3.0.0/30) and the UEs
 * (7.0.0.0/8) through it.
 */
class FedMoeLteHelper
{
  public:
    /**
     * \brief One eNB 25 m high; 3GPP urban macro path loss with its LOS/NLOS
     *        model and shadowing; proportional fair scheduler; 25 resource
     *        blocks (5 MHz); backhaul 10 Gbit/s, 5 ms; SINR reported every
     *        10 ms; RLC buffers of 256 KiB.
     */
    FedMoeLteHelper();
    ~FedMoeLteHelper();
    /** \brief Copy (shares the cells built). \param other the helper */
    FedMoeLteHelper(const FedMoeLteHelper& other);
    /** \brief Copy (shares the cells built). \param other the helper \return this */
    FedMoeLteHelper& operator=(const FedMoeLteHelper& other);

    /**
     * \brief How many eNBs and how far apart.
     * \param count >= 1
     * \param interSiteDistance metres between neighbouring eNBs, > 0
     */
    void SetEnbs(uint32_t count, double interSiteDistance = 500.0);

    /** \brief Antenna height of the eNBs. \param metres finite, > 0 */
    void SetEnbHeight(double metres);

    /**
     * \brief Path loss model by TypeId name.
     * \param type a PropagationLossModel, e.g.
     *        "ns3::ThreeGppUmaPropagationLossModel" (urban macro),
     *        "ns3::ThreeGppUmiStreetCanyonPropagationLossModel" (urban micro),
     *        "ns3::LogDistancePropagationLossModel"
     */
    void SetPathloss(std::string type);

    /** \brief Attribute of the path loss model. \param name its name \param value its value */
    void SetPathlossAttribute(std::string name, const AttributeValue& value);

    /**
     * \brief LOS/NLOS model of the 3GPP path loss models (ignored by others).
     * \param type a ChannelConditionModel, e.g. "ns3::ThreeGppUmaChannelConditionModel",
     *        "ns3::AlwaysLosChannelConditionModel", "ns3::NeverLosChannelConditionModel"
     */
    void SetChannelCondition(std::string type);

    /**
     * \brief How often a 3GPP channel condition model draws a link's LOS/NLOS
     *        state again (its UpdatePeriod; after SetChannelCondition).
     * \param period >= 0 (0: drawn once per link)
     */
    void SetConditionUpdatePeriod(Time period);

    /** \brief Shadowing of the 3GPP path loss models on or off. \param enable true for on */
    void SetShadowing(bool enable);

    /**
     * \brief LTE MAC scheduler of the eNBs by TypeId name.
     * \param type an FfMacScheduler, e.g. "ns3::PfFfMacScheduler" (default),
     *        "ns3::RrFfMacScheduler", "ns3::TdMtFfMacScheduler"
     */
    void SetScheduler(std::string type);

    /** \brief Uplink and downlink bandwidth. \param resourceBlocks 6, 15, 25, 50, 75 or 100 */
    void SetBandwidth(uint16_t resourceBlocks);

    /**
     * \brief The server's link to the PGW.
     * \param rate > 0
     * \param delay >= 0
     */
    void SetBackhaul(DataRate rate, Time delay);

    /**
     * \brief How often a UE reports its cell's RSRP and SINR
     *        (LteUePhy::RsrpSinrSamplePeriod), which ConnectChannelEstimator
     *        forwards.
     * \param period a whole number of milliseconds, 1 ms to 65 s
     */
    void SetSinrReportPeriod(Time period);

    /**
     * \brief Where the UEs start and which eNB serves each (used by
     *        FedMoeEdgeNetworkHelper::InstallLte before Install: LTE needs the UEs'
     *        mobility models when it builds their devices).
     * \param distances distance of each UE from its eNB, metres
     * \param[out] uePositions start position of each UE
     * \param[out] anchors position of each UE's eNB
     */
    void PlaceUes(const std::vector<double>& distances, std::vector<Vector>& uePositions,
                  std::vector<Vector>& anchors) const;

    /**
     * \brief Transmit buffer of each RLC entity (LTE's default bearers use RLC
     *        UM, whose ns-3 default of 10 kB drops TCP's window once it passes
     *        the buffer: a UE 100 m from the eNB then uploads at 2.4 Mbit/s
     *        instead of 9.6). Sets the global default
     *        ns3::LteRlcUm::MaxTxBufferSize at Install, because ns-3 creates the
     *        RLC entities during the run, when bearers are set up.
     * \param bytes > 0 (default 256 KiB)
     */
    void SetRlcBuffer(uint32_t bytes);

    /**
     * \brief Build the cells (called by FedMoeEdgeNetworkHelper::InstallLte): eNBs,
     *        UE devices, EPC, backhaul, addresses and routes, attachment.
     * \param server the edge server (gets the backhaul link)
     * \param clients the UEs (each with a MobilityModel)
     * \param fading loss model chained after the path loss (TypeId unset: none)
     */
    void Install(Ptr<Node> server, NodeContainer clients, const ObjectFactory& fading);

    /**
     * \brief Build the same cells at flow level: the eNBs where Install puts
     *        them, path loss models made as Install makes them (condition
     *        model, shadowing, attributes, carrier frequencies of the default
     *        EARFCNs, fading chained), and no LTE devices.
     * \param clients the client nodes (placed, with MobilityModels)
     * \param fading fading after path loss (unset: none)
     * \param timeVarying whether the clients move
     * \return the cells, for a FedMoeFlowNetwork
     */
    Ptr<FedMoeFlowLteAccess> InstallFlow(NodeContainer clients, const ObjectFactory& fading,
                                         bool timeVarying);

    /**
     * \brief Write LTE's RLC and PDCP statistics (RadioBearerStatsCalculator)
     *        to "<prefix>-{dl,ul}-{rlc,pdcp}.txt" (after Install).
     * \param prefix path prefix (its directory must exist)
     */
    void EnableStats(std::string prefix);

    /**
     * \brief Fix the random streams of the LTE devices, the EPC, the path
     *        loss, fading and channel condition models.
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /** \brief ns-3's LTE helper (null before Install). \return it */
    Ptr<LteHelper> GetLteHelper() const;
    /** \brief The EPC helper (null before Install). \return it */
    Ptr<PointToPointEpcHelper> GetEpcHelper() const;
    /** \brief The eNB devices. \return them */
    NetDeviceContainer GetEnbDevices() const;
    /** \brief The UE devices, in client order. \return them */
    NetDeviceContainer GetUeDevices() const;
    /** \brief The server's end of the backhaul. \return the device */
    Ptr<NetDevice> GetServerDevice() const;
    /** \brief The server's address (on the backhaul). \return it */
    Ipv4Address GetServerAddress() const;
    /** \brief UE i's address. \param i client index \return it */
    Ipv4Address GetUeAddress(uint32_t i) const;
    /** \brief UE i's PHY. \param i client index \return it */
    Ptr<LteUePhy> GetUePhy(uint32_t i) const;
    /** \brief The point-to-point helper of the backhaul (for its pcap and ascii traces). \return it
     */
    PointToPointHelper& GetBackhaulHelper();

  private:
    uint32_t m_enbCount;        //!< eNBs
    double m_interSiteDistance; //!< metres
    double m_enbHeight;         //!< metres
    ObjectFactory m_pathloss;   //!< path loss model
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_pathlossAttributes; //!< user's
    ObjectFactory m_condition;                           //!< channel condition model
    bool m_shadowing;                                    //!< 3GPP shadowing
    std::string m_scheduler;                             //!< FfMacScheduler TypeId
    uint16_t m_bandwidth;                                //!< resource blocks
    DataRate m_backhaulRate;                             //!< server <-> PGW
    Time m_backhaulDelay;                                //!< server <-> PGW
    uint16_t m_sinrPeriodMs;                             //!< RsrpSinrSamplePeriod
    uint32_t m_rlcBuffer;                                //!< RLC UM transmit buffer, bytes
    Ptr<LteHelper> m_lte;                                //!< ns-3's helper
    Ptr<PointToPointEpcHelper> m_epc;                    //!< EPC
    Ptr<ChannelConditionModel> m_conditionModel;         //!< shared by UL and DL
    std::vector<Ptr<PropagationLossModel>> m_flowLosses; //!< flow level: DL, UL
    PointToPointHelper m_backhaul;                       //!< server <-> PGW
    NetDeviceContainer m_enbDevices;                     //!< eNBs
    NetDeviceContainer m_ueDevices;                      //!< UEs
    Ptr<NetDevice> m_serverDevice;                       //!< server's backhaul end
    Ipv4Address m_serverAddress;                         //!< on the backhaul
    std::vector<Ipv4Address> m_ueAddresses;              //!< per client
};

} // namespace ns3

#endif // FEDMOE_LTE_HELPER_H
