// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowAccess: what a flow-level network needs to know of the links
 * between the clients and the server: for each client and direction, the
 * resources a transfer crosses (its own link, a shared cell's airtime, a
 * backhaul), what it costs them, its share weight, latency and loss.
 * FedMoeFlowP2pAccess (a star of point-to-point links) is here; the Wi-Fi
 * cell and the LTE cells are in fedmoe-flow-radio.h.
 */

#ifndef FEDMOE_FLOW_ACCESS_H
#define FEDMOE_FLOW_ACCESS_H

#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace ns3
{

class FedMoeChannelEstimator;
class FedMoeFlowNetwork;

/// Which way a transfer goes.
enum class FedMoeFlowDirection : uint8_t
{
    UP = 0,  //!< client -> server
    DOWN = 1 //!< server -> client
};

/**
 * \ingroup fedmoe-federation
 * \brief The path of one client's transfers in one direction, as it is now.
 */
struct FedMoeFlowPath
{
    /// (network resource, resource units per bit/s on the wire), each cost > 0
    std::vector<std::pair<uint32_t, double>> uses;
    double weight{1.0}; //!< share weight among the flows of a shared resource
    Time latency;       //!< one-way, first byte sent -> first byte received
    double lossRate{0}; //!< packet loss probability, [0, 1)
};

/**
 * \ingroup fedmoe-federation
 * \brief The links of a flow-level network, as FedMoeFlowNetwork asks for them.
 *
 * Rates are raw link (or PHY) rates times an efficiency that stands for
 * what the packet level spends besides payload: MAC contention and
 * acknowledgements, retransmissions, framing. The efficiencies are
 * attributes, fitted from packet-level runs by fedmoe-flow-calibrate.
 */
class FedMoeFlowAccess : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \brief Register the resources with the network (once, before the first flow).
     * \param network the network
     */
    virtual void Attach(FedMoeFlowNetwork& network) = 0;

    /** \return the clients reached */
    virtual uint32_t GetNClients() const = 0;

    /**
     * \brief The path of client's transfers now.
     * \param client the client (< GetNClients)
     * \param direction up or down
     * \param network the network (for how many flows share a cell now)
     * \return the path
     */
    virtual FedMoeFlowPath GetPath(uint32_t client, FedMoeFlowDirection direction,
                                   const FedMoeFlowNetwork& network) const = 0;

    /**
     * \param client the client (< GetNClients)
     * \param direction up or down
     * \return the one-way latency of its transfers (what GetPath's would say, without the rest)
     */
    virtual Time GetLatency(uint32_t client, FedMoeFlowDirection direction) const = 0;

    /** \return whether paths change with time (moving clients, fading): re-read them periodically
     */
    virtual bool IsTimeVarying() const;

    /**
     * \param client the client
     * \return the SNR (Wi-Fi) or SINR (LTE) of its downlink now, dB (NaN: no radio)
     */
    virtual double GetSnrDb(uint32_t client) const;
};

/**
 * \ingroup fedmoe-federation
 * \brief A star of point-to-point links: client i's uplink and downlink are
 *        resources of their own, at rates, delay and loss set per client.
 */
class FedMoeFlowP2pAccess : public FedMoeFlowAccess
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowP2pAccess();

    /**
     * \brief Add a client's link (before Attach).
     * \param up uplink rate (> 0)
     * \param down downlink rate (> 0)
     * \param delay one-way delay
     * \param lossRate packet loss probability per direction, [0, 1)
     */
    void AddLink(DataRate up, DataRate down, Time delay, double lossRate);

    void Attach(FedMoeFlowNetwork& network) override;
    uint32_t GetNClients() const override;
    FedMoeFlowPath GetPath(uint32_t client, FedMoeFlowDirection direction,
                           const FedMoeFlowNetwork& network) const override;
    Time GetLatency(uint32_t client, FedMoeFlowDirection direction) const override;

  private:
    struct Link
    {
        DataRate up;           //!< client -> server
        DataRate down;         //!< server -> client
        Time delay;            //!< one-way
        double lossRate;       //!< per direction
        uint32_t upResource;   //!< network resource of the uplink
        uint32_t downResource; //!< network resource of the downlink
    };

    double m_efficiency;       //!< payload share of the link rate besides headers
    std::vector<Link> m_links; //!< per client
};

} // namespace ns3

#endif // FEDMOE_FLOW_ACCESS_H
