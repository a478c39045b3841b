// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the fedmoe module's ns-3 TestSuites: file sizes and line
 * counts, byte counters and transfer/SNR recorders for trace sinks, and a
 * guard that restores TCP's segment size.
 */

#ifndef FEDMOE_TEST_UTIL_H
#define FEDMOE_TEST_UTIL_H

#include "ns3/config.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/uinteger.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace ns3
{
namespace FedMoeTest
{

/// Size of a file in bytes, -1 if it cannot be opened.
inline long
FileSize(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    return in ? static_cast<long>(in.tellg()) : -1;
}

/// Adds a transmitted packet's size (PPP header included) to *total.
inline void
CountBytes(uint64_t* total, Ptr<const Packet> packet)
{
    *total += packet->GetSize();
}

/// Sets TCP's segment size for one test and restores ns-3's default after it.
class SegmentSizeGuard
{
  public:
    explicit SegmentSizeGuard(uint32_t bytes)
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(bytes));
    }

    ~SegmentSizeGuard()
    {
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(536));
    }
};

/// Lines in a text file, -1 if it cannot be opened.
inline long
LineCount(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        return -1;
    }
    long n = 0;
    for (std::string line; std::getline(in, line);)
    {
        ++n;
    }
    return n;
}

/// Goodput (bit/s) of a probe transfer and the client's distance when it ended.
struct TransferSample
{
    double goodputBps; //!< payload x 8 / duration
    double distanceM;  //!< distance from the AP at the end
};

/// Records each of client 0's transfers with its distance at the end.
inline void
RecordTransfer(std::vector<TransferSample>* samples, const FedMoeEdgeNetworkHelper* edge,
               uint32_t client, uint64_t bytes, Time duration)
{
    if (client == 0)
    {
        samples->push_back({bytes * 8.0 / duration.GetSeconds(), edge->GetDistance(0)});
    }
}

/// Records every SNR value an estimator with Smoothing 1 reports (raw samples).
inline void
RecordSnr(std::vector<double>* samples, uint32_t /* peer */, const FedMoeChannelEstimate& e)
{
    if (e.snrSamples > samples->size())
    {
        samples->push_back(e.snrDb);
    }
}

} // namespace FedMoeTest
} // namespace ns3

#endif // FEDMOE_TEST_UTIL_H
