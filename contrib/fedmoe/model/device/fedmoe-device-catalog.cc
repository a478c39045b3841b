// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeDeviceCatalog: the built-in tiers and where their figures come from.
 *
 * Compute is *sustained fp32 for training-like workloads* (GEMM-heavy forward
 * and backward passes with memory-bound element-wise work in between), which
 * is well below datasheet peak. Where only a peak or a Linpack figure is
 * published, the sustained figure is an estimate and says so. Link rates are
 * typical TCP-level rates, not PHY maxima. Memory is what a training process
 * can use, below installed RAM (OS, other apps).
 */

#include "fedmoe-device-catalog.h"

#include "ns3/log.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeDeviceCatalog");

namespace
{

std::vector<FedMoeDeviceTier>
BuildTiers()
{
    return {
        // Cortex-M7 @ 480 MHz with single-precision FPU (STM32H7 datasheet:
        // 1027 DMIPS; one FMA per cycle -> ~0.96 GFLOP/s peak); sustained
        // 0.2 GFLOP/s is an estimate (no SIMD fp32, SRAM-bound). 1 MB SRAM
        // (STM32H743 datasheet). Link: ESP32-class 802.11n 1x1 module,
        // Espressif's published TCP iperf figures are 20-40 Mbit/s in ideal
        // conditions; 10 Mbit/s each way is a conservative estimate for a
        // deployed sensor. Availability 0.7: duty-cycled/battery (estimate).
        {"mcu-sensor", "microcontroller-class sensor (Cortex-M7 480 MHz, 1 MB SRAM, 802.11n 1x1)",
         0.2, 1, 1.0, DataRate("10Mbps"), DataRate("10Mbps"), MilliSeconds(10), 0.7},
        // Raspberry Pi 4 B (4x Cortex-A72 @ 1.5 GHz): 4 cores x 8 fp32
        // FLOP/cycle (one 128-bit NEON FMA per cycle) gives 48 GFLOP/s peak; HPL (fp64)
        // measurements published by J. Geerling
        // (2021, "Raspberry Pi 4 Linpack") report ~12 GFLOP/s at stock clock.
        // 12 GFLOP/s sustained fp32 training is an estimate from that.
        // 4 GB model, 3 GB usable. Wi-Fi 5 (802.11ac 1x1) iperf results of
        // ~100 Mbit/s down, ~60 Mbit/s up are commonly published (estimate).
        {"raspberry-pi-4", "Raspberry Pi 4 B, 4 GB (4x Cortex-A72 1.5 GHz, 802.11ac 1x1)", 12.0, 4,
         3000.0, DataRate("60Mbps"), DataRate("100Mbps"), MilliSeconds(5), 0.95},
        // NVIDIA Jetson Nano (128 Maxwell CUDA cores @ 921.6 MHz): datasheet
        // 472 GFLOP/s fp16, i.e. ~236 GFLOP/s fp32 peak; ~90 GFLOP/s sustained
        // for training is an estimate (~40 % of peak, memory-bandwidth bound at
        // 25.6 GB/s). 4x Cortex-A57, 4 GB shared, 3 GB usable. Wi-Fi via an
        // M.2 802.11ac 2x2 card (e.g. Intel 8265): 100 up / 150 down Mbit/s
        // TCP is an estimate.
        {"jetson-nano", "NVIDIA Jetson Nano 4 GB (Maxwell GPU, 4x Cortex-A57, 802.11ac 2x2)", 90.0,
         4, 3000.0, DataRate("100Mbps"), DataRate("150Mbps"), MilliSeconds(4), 0.95},
        // Mid-range phone (e.g. Snapdragon 7-series, 8 cores): on-device
        // training runs on the CPU in today's frameworks; 25 GFLOP/s sustained
        // is an estimate (big cores' NEON, thermally limited). 6 GB RAM, 2 GB
        // usable by one app. Cellular LTE: Opensignal's published national
        // averages are in the 30-50 Mbit/s down, 8-12 Mbit/s up range; we use
        // 40/10, one-way latency 25 ms (RTTs ~50 ms). Availability 0.6: idle,
        // charging, unmetered (estimate).
        {"midrange-phone", "mid-range smartphone (8-core ARM SoC, 6 GB, LTE)", 25.0, 8, 2000.0,
         DataRate("10Mbps"), DataRate("40Mbps"), MilliSeconds(25), 0.6},
        // Laptop (4-core x86 with AVX2+FMA @ ~2.5 GHz): 32 fp32 FLOP/cycle/core
        // gives ~320 GFLOP/s peak; OpenBLAS sgemm measured ~137 GFLOP/s on
        // 2 cores of this project's build machine (shared/DESIGN notes), so
        // 100 GFLOP/s sustained for training on 4 cores is a conservative
        // estimate. 16 GB, 8 GB usable. Wi-Fi 6 2x2: 300 up / 400 down Mbit/s
        // TCP near the AP (estimate). Availability 0.8 (estimate).
        {"laptop", "laptop (4-core x86 AVX2/FMA, 16 GB, Wi-Fi 6 2x2)", 100.0, 4, 8000.0,
         DataRate("300Mbps"), DataRate("400Mbps"), MilliSeconds(3), 0.8},
    };
}

} // namespace

const std::vector<FedMoeDeviceTier>&
FedMoeDeviceCatalog::Tiers()
{
    static const std::vector<FedMoeDeviceTier> tiers = BuildTiers();
    return tiers;
}

std::vector<std::string>
FedMoeDeviceCatalog::Names()
{
    std::vector<std::string> names;
    for (const auto& tier : Tiers())
    {
        names.push_back(tier.name);
    }
    return names;
}

bool
FedMoeDeviceCatalog::Has(const std::string& name)
{
    for (const auto& tier : Tiers())
    {
        if (tier.name == name)
        {
            return true;
        }
    }
    return false;
}

const FedMoeDeviceTier&
FedMoeDeviceCatalog::Get(const std::string& name)
{
    for (const auto& tier : Tiers())
    {
        if (tier.name == name)
        {
            return tier;
        }
    }
    std::string known;
    for (const auto& n : Names())
    {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw std::invalid_argument("FedMoeDeviceCatalog: unknown tier \"" + name
                                + "\" (known: " + known + ")");
}

Ptr<FedMoeDeviceProfile>
FedMoeDeviceCatalog::CreateProfile(const std::string& name)
{
    const FedMoeDeviceTier& tier = Get(name);
    auto profile = CreateObject<FedMoeDeviceProfile>();
    profile->SetTier(tier.name);
    profile->SetComputeGflops(tier.computeGflops);
    profile->SetCores(tier.cores);
    profile->SetMemoryMb(tier.memoryMb);
    profile->SetUplinkRate(tier.uplinkRate);
    profile->SetDownlinkRate(tier.downlinkRate);
    profile->SetLatency(tier.latency);
    profile->SetAvailability(tier.availability);
    NS_LOG_DEBUG("created " << profile->ToString());
    return profile;
}

} // namespace ns3
