// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ns-3 TestSuite "fedmoe-flow": the flow-level network against ns-3's
 * packet level on the same point-to-point link, through the same transports
 * the applications use.
 */

#include "../model/compat/fedmoe-ns3-compat.h"

#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-flow-transport.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/fedmoe-tcp-client-transport.h"
#include "ns3/fedmoe-tcp-server-transport.h"
#include "ns3/inet-socket-address.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <vector>

using namespace ns3;

namespace
{

/// Seconds each of two 1 MB messages took from the server to the client
/// (the second one on a warm connection), at one fidelity.
std::vector<double>
TwoTransfers(bool flow, const std::string& queue)
{
    Config::SetDefault("ns3::DropTailQueue<Packet>::MaxSize", StringValue(queue));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1 << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1 << 20));
    NodeContainer server;
    server.Create(1);
    NodeContainer client;
    client.Create(1);
    auto profile = CreateObject<FedMoeDeviceProfile>();
    profile->SetUplinkRate(DataRate("8Mbps"));
    profile->SetDownlinkRate(DataRate("20Mbps"));
    profile->SetLatency(MilliSeconds(15));
    client.Get(0)->AggregateObject(profile);
    FedMoeEdgeNetworkHelper edge;
    if (flow)
    {
        edge.SetFidelity(FedMoeEdgeNetworkHelper::FLOW);
    }
    edge.InstallPointToPoint(server.Get(0), client);

    Ptr<FedMoeServerTransport> st;
    Ptr<FedMoeClientTransport> ct;
    if (flow)
    {
        st = CreateObjectWithAttributes<FedMoeFlowServerTransport>(
            "Network", PointerValue(edge.GetFlowNetwork()));
        ct = CreateObjectWithAttributes<FedMoeFlowClientTransport>(
            "Network", PointerValue(edge.GetFlowNetwork()));
    }
    else
    {
        st = CreateObject<FedMoeTcpServerTransport>();
        ct = CreateObject<FedMoeTcpClientTransport>();
    }
    std::vector<double> sent;
    std::vector<double> took;
    uint32_t link = 0;
    FedMoeBytes payload(1000000, 7);
    auto send = [&]()
    {
        sent.push_back(Simulator::Now().GetSeconds());
        st->Send(link,
                 FedMoeMessageFramer::Encode(FedMoeMessageType::ASSIGN, sent.size(), 0, payload),
                 FedMoeServerTransport::DeliveredCallback());
    };
    st->SetReceiveCallbacks(FedMoeServerTransport::MessageCallback(
                                [&](uint32_t l, const FedMoeMessage&, Time)
                                {
                                    link = l;
                                    Simulator::Schedule(Seconds(1), send);
                                    Simulator::Schedule(Seconds(10), send);
                                }),
                            FedMoeServerTransport::RejectedCallback(),
                            FedMoeServerTransport::BytesCallback(),
                            FedMoeServerTransport::ClosedCallback());
    st->Start(server.Get(0));
    ct->SetCallbacks(FedMoeClientTransport::EventCallback(
                         [&]()
                         {
                             ct->Send(FedMoeMessageFramer::Encode(FedMoeMessageType::HELLO, 0, 0,
                                                                  FedMoeBytes{}));
                         }),
                     FedMoeClientTransport::EventCallback(), FedMoeClientTransport::EventCallback(),
                     FedMoeClientTransport::EventCallback(),
                     FedMoeClientTransport::MessageCallback(
                         [&](const FedMoeMessage&)
                         {
                             took.push_back(Simulator::Now().GetSeconds() - sent[took.size()]);
                         }),
                     FedMoeClientTransport::RejectedCallback());
    Simulator::Schedule(
        Seconds(0.1),
        [&]()
        {
            ct->Connect(client.Get(0), InetSocketAddress(edge.GetServerAddress(0), 7100), 2u << 20);
        });
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    ct->Close(false);
    st->Stop();
    Simulator::Destroy();
    return took;
}

} // namespace

/**
 * \ingroup fedmoe-tests
 * \brief On one 20 Mbit/s, 15 ms link, a 1 MB message takes the same time
 *        at flow level as through ns-3's TCP: within 2 % on a cold
 *        connection (slow start), within 1 % on a warm one.
 *
 * With the device queue at ns-3's default (100 packets) the warm message
 * takes longer at packet level: the window the first message left (about
 * 150 segments) is sent at once into the sender's own device queue, which
 * drops the excess, and TCP recovers. The flow level does not model queue
 * overflow; the case checks that it is then faster.
 */
class FedmoeFlowMatchesPacketOnALinkTestCase : public TestCase
{
  public:
    FedmoeFlowMatchesPacketOnALinkTestCase()
        : TestCase("flow level: a p2p transfer takes what ns-3's TCP takes")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<double> packet = TwoTransfers(false, "1000p");
        const std::vector<double> flow = TwoTransfers(true, "1000p");
        NS_TEST_ASSERT_MSG_EQ(packet.size(), 2, "both messages arrive at packet level");
        NS_TEST_ASSERT_MSG_EQ(flow.size(), 2, "both messages arrive at flow level");
        // 1 MB at 20 Mbit/s is 0.4 s of payload: the figures are not latency.
        NS_TEST_ASSERT_MSG_GT(packet[1], 0.4, "the warm transfer takes its bytes' time");
        NS_TEST_EXPECT_MSG_EQ_TOL(flow[0], packet[0], 0.02 * packet[0], "cold connection");
        NS_TEST_EXPECT_MSG_EQ_TOL(flow[1], packet[1], 0.01 * packet[1], "warm connection");

        const std::vector<double> shallow = TwoTransfers(false, "100p");
        NS_TEST_ASSERT_MSG_EQ(shallow.size(), 2, "both messages arrive with a 100-packet queue");
        NS_TEST_EXPECT_MSG_EQ_TOL(flow[0], shallow[0], 0.02 * shallow[0], "cold, 100 packets");
        // How much it costs is ns-3's TCP's business (1.28x on 3.37, 3.4x on
        // 3.43); that the flow level does not see it is the limit the README states.
        NS_TEST_EXPECT_MSG_GT(shallow[1], 1.1 * flow[1], "the overflowing warm burst costs");
        Config::Reset();
    }
};

/**
 * \ingroup fedmoe-tests
 * \brief The flow-level network's TestSuite.
 */
class FedmoeFlowTestSuite : public TestSuite
{
  public:
    FedmoeFlowTestSuite()
        : TestSuite("fedmoe-flow", FedMoeCompat::TEST_SUITE_UNIT)
    {
        AddTestCase(new FedmoeFlowMatchesPacketOnALinkTestCase, FedMoeCompat::TEST_QUICK);
    }
};

/// The suite's one instance.
static FedmoeFlowTestSuite g_fedmoeFlowTestSuite;
