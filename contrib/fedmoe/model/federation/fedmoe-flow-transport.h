// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flow-level transports: the server's and the clients' ends of a
 * FedMoeFlowNetwork, behind the same seams as TCP (FedMoeServerTransport,
 * FedMoeClientTransport). Messages keep their real bytes and go through the
 * same framer, so bad bytes are rejected as at packet level; only how long
 * they take comes from the flow model.
 */

#ifndef FEDMOE_FLOW_TRANSPORT_H
#define FEDMOE_FLOW_TRANSPORT_H

#include "fedmoe-client-transport.h"
#include "fedmoe-flow-network.h"
#include "fedmoe-server-transport.h"

#include <map>
#include <memory>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief FedMoeServerTransport on a FedMoeFlowNetwork: every connection a
 *        client opens is a link; RTT samples are the connections' round trips.
 */
class FedMoeFlowServerTransport : public FedMoeServerTransport
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowServerTransport();
    ~FedMoeFlowServerTransport() override;

    std::string Start(Ptr<Node> node) override;
    void Send(uint32_t link, Ptr<Packet> message, DeliveredCallback delivered) override;
    void Close(uint32_t link) override;
    void StopAccepting() override;
    void Stop() override;
    void RestartRttWindow() override;
    std::map<uint32_t, Time> GetMinRtts() const override;

  protected:
    void DoDispose() override;

  private:
    void Accept(uint32_t connection);
    void Receive(uint32_t link, Ptr<Packet> message, Time transfer);
    void PeerClosed(uint32_t link);

    Ptr<FedMoeFlowNetwork> m_network;                                 //!< the network
    uint32_t m_maxPayload;                                            //!< framer limit
    std::map<uint32_t, std::unique_ptr<FedMoeMessageFramer>> m_links; //!< open links
    std::map<uint32_t, Time> m_minRtt;                                //!< per link, this window
};

/**
 * \ingroup fedmoe-federation
 * \brief FedMoeClientTransport on a FedMoeFlowNetwork, as client ClientIndex.
 */
class FedMoeFlowClientTransport : public FedMoeClientTransport
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowClientTransport();
    ~FedMoeFlowClientTransport() override;

    void Connect(Ptr<Node> node, const Address& server, uint32_t maxPayload) override;
    void Send(Ptr<Packet> message) override;
    void Close(bool orderly) override;

  protected:
    void DoDispose() override;

  private:
    void Connected();
    void Refused();
    void Receive(Ptr<Packet> message, Time transfer);
    void PeerClosed();

    Ptr<FedMoeFlowNetwork> m_network;              //!< the network
    uint32_t m_client;                             //!< which of the network's clients
    bool m_open{false};                            //!< holding a connection
    uint32_t m_connection{0};                      //!< the connection (if open)
    std::unique_ptr<FedMoeMessageFramer> m_framer; //!< bytes -> messages
};

} // namespace ns3

#endif // FEDMOE_FLOW_TRANSPORT_H
