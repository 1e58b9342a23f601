// SPDX-License-Identifier: MIT
#include "KeyStore.h"

#include <QEventLoop>

namespace vtrelay {

KeyStore::Result KeyStore::callAndWait(const std::function<void(Callback)> &call)
{
    QEventLoop loop;
    Result result;
    bool finished = false;
    call([&](const Result &callResult) {
        result = callResult;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return result;
}

} // namespace vtrelay
