// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeEdgeNetworkHelper's output through ns-3's helpers: pcap, ascii
 * traces and NetAnim.
 */

#include "fedmoe-edge-network-helper.h"

#include "ns3/animation-interface.h"
#include "ns3/trace-helper.h"

#include <stdexcept>

namespace ns3
{

void
FedMoeEdgeNetworkHelper::EnablePcap(std::string prefix)
{
    if (m_flow)
    {
        throw std::invalid_argument(
            "FedMoeEdgeNetworkHelper::EnablePcap: the network is simulated at "
            "flow level (no packets to trace; use packet level)");
    }
    NetDeviceContainer all(m_serverDevices, m_clientDevices);
    if (m_topology == LTE)
    {
        m_lte.GetBackhaulHelper().EnablePcap(prefix, m_serverDevices);
    }
    else if (m_topology == WIFI)
    {
        m_phy.EnablePcap(prefix, all);
    }
    else if (m_topology == P2P)
    {
        m_p2p.EnablePcap(prefix, all);
    }
    else
    {
        throw std::logic_error("FedMoeEdgeNetworkHelper::EnablePcap: install a topology first");
    }
}

void
FedMoeEdgeNetworkHelper::EnableAscii(std::string prefix)
{
    if (m_flow)
    {
        throw std::invalid_argument(
            "FedMoeEdgeNetworkHelper::EnableAscii: the network is simulated at "
            "flow level (no packets to trace; use packet level)");
    }
    AsciiTraceHelper ascii;
    NetDeviceContainer all(m_serverDevices, m_clientDevices);
    if (m_topology == LTE)
    {
        m_lte.GetBackhaulHelper().EnableAscii(ascii.CreateFileStream(prefix + ".tr"),
                                              m_serverDevices);
    }
    else if (m_topology == WIFI)
    {
        m_phy.EnableAscii(ascii.CreateFileStream(prefix + ".tr"), all);
    }
    else if (m_topology == P2P)
    {
        m_p2p.EnableAscii(ascii.CreateFileStream(prefix + ".tr"), all);
    }
    else
    {
        throw std::logic_error("FedMoeEdgeNetworkHelper::EnableAscii: install a topology first");
    }
}

void
FedMoeEdgeNetworkHelper::EnableNetAnim(std::string file)
{
    if (m_topology == NONE)
    {
        throw std::logic_error("FedMoeEdgeNetworkHelper::EnableNetAnim: install a topology first");
    }
    m_anim = std::make_shared<AnimationInterface>(file);
    m_anim->UpdateNodeDescription(m_server, "server");
    for (uint32_t i = 0; i < m_clients.GetN(); ++i)
    {
        m_anim->UpdateNodeDescription(m_clients.Get(i), "client " + std::to_string(i));
    }
    const NetDeviceContainer enbs = m_lte.GetEnbDevices();
    for (uint32_t k = 0; k < enbs.GetN(); ++k)
    {
        m_anim->UpdateNodeDescription(enbs.Get(k)->GetNode(), "eNB " + std::to_string(k));
    }
}

} // namespace ns3
