// SPDX-License-Identifier: GPL-2.0-only
/*
 * The radio links of a flow-level network: an 802.11ax cell and LTE cells.
 * A client's rate comes from its SNR (SINR) now, computed with the same ns-3
 * propagation loss models (and fading) the packet level uses, from the
 * nodes' positions now (their mobility models move them as at packet level).
 */

#ifndef FEDMOE_FLOW_RADIO_H
#define FEDMOE_FLOW_RADIO_H

#include "fedmoe-flow-access.h"

#include "ns3/data-rate.h"
#include "ns3/node-container.h"
#include "ns3/propagation-loss-model.h"

#include <vector>

namespace ns3
{

class LteAmc;
class MobilityModel;

/**
 * \ingroup fedmoe-federation
 * \brief One 802.11ax cell at flow level: the AP at the server, every
 *        station's transfers, both directions, share the cell's airtime.
 *
 * A station's PHY rate is that of the HE MCS (one stream, 800 ns guard
 * interval, the channel width) with the best expected goodput (rate x
 * success probability of a 1500-byte frame, ns-3's
 * TableBasedErrorRateModel) at its SNR: the AP's TxPower minus the path
 * loss (and fading) to the station, over the thermal noise of the channel
 * plus the NoiseFigure. The efficiencies (per direction) stand for what the MAC spends besides
 * payload (contention, preambles, RTS/CTS, block acks). With Fairness
 * "throughput" every active flow of the cell gets the same rate (802.11
 * DCF, the performance anomaly); with "airtime" the same share of airtime.
 */
class FedMoeFlowWifiAccess : public FedMoeFlowAccess
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowWifiAccess();
    ~FedMoeFlowWifiAccess() override;

    /**
     * \brief Set the cell (before Attach).
     * \param ap the AP's node (with a MobilityModel)
     * \param stations the clients' nodes (each with a MobilityModel)
     * \param loss path loss (and fading, chained) as at packet level
     * \param timeVarying whether stations move or the channel fades
     */
    void SetCell(Ptr<Node> ap, NodeContainer stations, Ptr<PropagationLossModel> loss,
                 bool timeVarying);

    void Attach(FedMoeFlowNetwork& network) override;
    uint32_t GetNClients() const override;
    FedMoeFlowPath GetPath(uint32_t client, FedMoeFlowDirection direction,
                           const FedMoeFlowNetwork& network) const override;
    Time GetLatency(uint32_t client, FedMoeFlowDirection direction) const override;
    bool IsTimeVarying() const override;
    double GetSnrDb(uint32_t client) const override;

    /**
     * \param snrDb an SNR, dB
     * \return the PHY rate chosen at it, bit/s (0: no MCS works)
     */
    double GetPhyRate(double snrDb) const;

  protected:
    void DoDispose() override;

  private:
    void BuildRateTable() const;

    double m_txPowerDbm;                        //!< AP and stations
    double m_noiseFigureDb;                     //!< receivers
    uint16_t m_channelWidth;                    //!< MHz
    double m_dlEfficiency;                      //!< MAC efficiency, AP -> station
    double m_ulEfficiency;                      //!< MAC efficiency, station -> AP
    Time m_latency;                             //!< one-way, channel access included
    bool m_airtimeFair;                         //!< airtime, not throughput, fairness
    Ptr<MobilityModel> m_ap;                    //!< AP position
    std::vector<Ptr<MobilityModel>> m_stations; //!< station positions
    Ptr<PropagationLossModel> m_loss;           //!< path loss + fading
    bool m_timeVarying{false};                  //!< moving or fading
    uint32_t m_cell{0};                         //!< airtime resource
    uint32_t m_dead{0};                         //!< a resource of capacity 0 (out of range)
    mutable std::vector<double> m_rateTable;    //!< PHY rate per 0.25 dB from kTableMinDb
};

/**
 * \ingroup fedmoe-federation
 * \brief LTE cells at flow level: per cell a downlink and an uplink
 *        (FDD), shared as the MAC schedulers share resource blocks among
 *        backlogged UEs (equal shares: airtime fairness); a backhaul to the
 *        server shared by every cell.
 *
 * Downlink SINR: the serving eNB's power over the other eNBs' (all
 * transmitting) plus the UE's noise; uplink SNR: per resource block, the
 * power control's target (PuschTarget) or, where the UE cannot reach it,
 * its largest power spread over the blocks it gets when the cell's uplink
 * flows share them equally, over the eNB's noise per block. SINR -> CQI -> MCS -> transport
 * block size through ns-3's LteAmc (its PiroEW2010 spectral efficiency, BER
 * 5e-5), as the eNB's scheduler does from the UE's CQI reports.
 */
class FedMoeFlowLteAccess : public FedMoeFlowAccess
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowLteAccess();
    ~FedMoeFlowLteAccess() override;

    /**
     * \brief Set the cells (before Attach).
     * \param enbs the eNBs' nodes (with MobilityModels)
     * \param ues the clients' nodes (with MobilityModels); UE i is served by eNB i % count
     * \param downlinkLoss path loss eNB -> UE (and fading)
     * \param uplinkLoss path loss UE -> eNB (and fading)
     * \param resourceBlocks per direction
     * \param backhaulRate server <-> PGW
     * \param backhaulDelay server <-> PGW
     * \param timeVarying whether UEs move or the channel changes
     */
    void SetCells(NodeContainer enbs, NodeContainer ues, Ptr<PropagationLossModel> downlinkLoss,
                  Ptr<PropagationLossModel> uplinkLoss, uint16_t resourceBlocks,
                  DataRate backhaulRate, Time backhaulDelay, bool timeVarying);

    void Attach(FedMoeFlowNetwork& network) override;
    uint32_t GetNClients() const override;
    FedMoeFlowPath GetPath(uint32_t client, FedMoeFlowDirection direction,
                           const FedMoeFlowNetwork& network) const override;
    Time GetLatency(uint32_t client, FedMoeFlowDirection direction) const override;
    bool IsTimeVarying() const override;
    double GetSnrDb(uint32_t client) const override;

    /**
     * \param sinrDb a SINR, dB
     * \param resourceBlocks resource blocks used
     * \param downlink downlink (else uplink) transport blocks
     * \return the rate, bit/s (0: CQI 0, out of range)
     */
    double GetRate(double sinrDb, uint32_t resourceBlocks, bool downlink) const;

  protected:
    void DoDispose() override;

  private:
    double DownlinkSinrDb(uint32_t client) const;

    double m_enbPowerDbm;      //!< eNB transmit power
    double m_uePowerDbm;       //!< UE's largest transmit power
    double m_puschTargetDbm;   //!< uplink power control's target per resource block
    double m_enbNoiseFigureDb; //!< eNB receiver
    double m_ueNoiseFigureDb;  //!< UE receiver
    double m_dlEfficiency;     //!< downlink efficiency (RLC/PDCP/MAC besides payload)
    double m_ulEfficiency;     //!< uplink efficiency
    Time m_dlLatency;          //!< one-way radio latency, downlink
    Time m_ulLatency;          //!< one-way radio latency, uplink (scheduling request, grant)
    std::vector<Ptr<MobilityModel>> m_enbs; //!< eNB positions
    std::vector<Ptr<MobilityModel>> m_ues;  //!< UE positions
    Ptr<PropagationLossModel> m_dlLoss;     //!< eNB -> UE
    Ptr<PropagationLossModel> m_ulLoss;     //!< UE -> eNB
    uint16_t m_resourceBlocks{25};          //!< per direction
    DataRate m_backhaulRate;                //!< server <-> PGW
    Time m_backhaulDelay;                   //!< server <-> PGW
    bool m_timeVarying{false};              //!< moving UEs, changing conditions
    Ptr<LteAmc> m_amc;                      //!< CQI, MCS, TB sizes
    std::vector<uint32_t> m_dlCell;         //!< per eNB, downlink resource
    std::vector<uint32_t> m_ulCell;         //!< per eNB, uplink resource
    uint32_t m_backhaulUp{0};               //!< backhaul resource, up
    uint32_t m_backhaulDown{0};             //!< backhaul resource, down
    uint32_t m_dead{0};                     //!< capacity 0 (out of range)
};

} // namespace ns3

#endif // FEDMOE_FLOW_RADIO_H
