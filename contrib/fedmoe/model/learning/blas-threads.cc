// SPDX-License-Identifier: GPL-2.0-only
/*
 * BlasThreads: dl_iterate_phdr over the loaded objects and dlsym for the
 * OpenBLAS entry points.
 */

#include "blas-threads.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <vector>

namespace fedmoe
{
namespace learning
{

namespace
{

/// Resolved paths of the loaded objects whose file name looks like a BLAS.
std::vector<std::string>
BlasObjects()
{
    std::vector<std::string> found;
    dl_iterate_phdr(
        [](struct dl_phdr_info* info, size_t, void* data) -> int
        {
            const std::string path = info->dlpi_name ? info->dlpi_name : "";
            const std::string file = path.substr(path.find_last_of('/') + 1);
            if (file.find("blas") != std::string::npos || file.find("mkl") != std::string::npos
                || file.find("blis") != std::string::npos)
            {
                char resolved[PATH_MAX];
                std::string name = path;
                if (realpath(path.c_str(), resolved) != nullptr && resolved != path)
                {
                    name += " -> " + std::string(resolved);
                }
                auto* list = static_cast<std::vector<std::string>*>(data);
                if (std::find(list->begin(), list->end(), name) == list->end())
                {
                    list->push_back(name);
                }
            }
            return 0;
        },
        &found);
    return found;
}

} // namespace

bool
LimitBlasThreads(int n)
{
    using SetThreads = void (*)(int);
    auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set == nullptr)
    {
        return false;
    }
    set(std::max(1, n));
    return true;
}

int
BlasThreads()
{
    using GetThreads = int (*)();
    auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return get == nullptr ? 0 : get();
}

std::string
LoadedBlas()
{
    std::string text;
    for (const auto& name : BlasObjects())
    {
        text += (text.empty() ? "" : "; ") + name;
    }
    if (text.empty())
    {
        text = "none found";
    }
    using GetConfig = char* (*) ();
    auto config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    if (config != nullptr)
    {
        text += " [" + std::string(config()) + "]";
    }
    return text;
}

bool
ReferenceBlasSuspected()
{
    const auto objects = BlasObjects();
    if (objects.empty() || dlsym(RTLD_DEFAULT, "openblas_get_config") != nullptr)
    {
        return false;
    }
    for (const auto& name : objects)
    {
        if (name.find("openblas") != std::string::npos || name.find("mkl") != std::string::npos
            || name.find("blis") != std::string::npos)
        {
            return false;
        }
    }
    return true;
}

} // namespace learning
} // namespace fedmoe
