/*
 * Unit tests for rl_ssh_sign: byte-for-byte equality with the Python
 * client's ssh_sign, the blob framing and an independent mbedTLS
 * verification against the public key ssh-keygen wrote, and the refusal
 * of every key that is not supported or cannot be parsed, including an
 * OpenSSH key truncated at every length and rebuilt with single defects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mbedtls/base64.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "client/ssh_sign.h"

/* The vectors include a 4096-bit key and a 4104-bit one that must be
 * refused. */
#if RUCIO_SSH_KEY_MAX_BITS != 4096
#error "these tests assume the default RUCIO_SSH_KEY_MAX_BITS"
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Throw-away keys, generated for these tests only with the command in
 * each comment (OpenSSH 9.2, OpenSSL 3.0). They protect nothing and are
 * used nowhere else.
 */
/* ssh-keygen -t rsa -b 2048 -m PEM -N '' */
static const char KEY_RSA2048_PEM[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEogIBAAKCAQEAvbhXXwEi5ZoxLFNYQs/QOaPoKeTXZFYg1NufCDwcmP6QnAMn\n"
    "JSPtzzP4E6GBG/KVUM6kEKm7TnbKlmVY4RuMldwhvi++xWmuI6hdide5JVgLa8Ar\n"
    "sM5jZvWcGFfTX0UpBY8o4XuCf3Sou/d/rTeB9OQo8nXTf5aBFTnwJ4AgMNfkvSgn\n"
    "NwoDKJCZr6a6Mx1v4ytPGELgSVCo05VUWjblKjRoy6O6LKIQCDckbj6EPBIuIszF\n"
    "uvWdJKyV40e0Ezb+xcey80IKEjz7B2yxaca3PsD6eEqPMBp2MG2P1+kjPJzGcJHg\n"
    "zJreXUro5qodcwfVPcoVPPAEDWSePkL44qtSJQIDAQABAoIBABDd6zKglLwp9bY1\n"
    "oLKr7By7xD+5PycF+zxBXEWspnQ5qZydMSU9qP5TZfpE0QgtjHXXMUHj/SmQKRmu\n"
    "3/R/cQO/wuY4M3M0no1AAjTnj2fRCI7nUlsRNkgojNyjLkEZkniSjjVhuCvhsMCp\n"
    "U9oQBcdCY5uOuyNsO4SqFn5Eh1ggKkH/xS0TKhHfY3tmxCMEiTaYJCZIusifTacd\n"
    "wTFuWAQ19cX192EVW68a9c1+ZRLz1cv+oQmwruuZWAN/ti0onydG82jUha29IOuT\n"
    "jGtbQFhiS/1UHTKyIJgHnqSplSiAXbMOXyfaBSgJDJKj77qGPwyfmc6dc85wKJFQ\n"
    "MVKbaE8CgYEA7gAGsJBy4TF38ROToQ56l1CD2xWZZdhkdhcouHdbd09AVxrgfX9p\n"
    "PvNmzGJ6t0gfQWJfcm8ewafPS1H25pcemKg4+IQqjSA39Jges8g1A4L42J5sFtOM\n"
    "h06SZuyQ6h5yQtAQfm1+Mxkru2JdrjftMTpi3geLRtUwqCcUAoKDqJcCgYEAzBGO\n"
    "BknHsumQxG5eeISs2oAY2CWCb+cWf2NS3sAZ6Pyh3QNl4KXlXkZpn3Im2p/E7v/8\n"
    "RgkASQhgFlru+AWKKRdV+aWvy8HZ2ZDfwKaGy/scaMg5Q+MNxxF5gHlGFb6lRA2k\n"
    "ajRad1+0jzmJ/wn7v+WsT1eycgw+0EMLFOu2FqMCgYBZQnM/1vzuzkHAjWoJtkdt\n"
    "5ol9Ki2cz7plu6vO+xy3s2ZbBL568sUDEgBU2P5TLN5kBEPtxBUR5iDNi9EAjF6y\n"
    "PC0Zr1/SC+pQdpjVLloLlhxECa5aJT8IJASuSzzSQVbzDduRvvjcqy0Gmw6tX1Y6\n"
    "5z3bLZMjnqMf/X/4rQA5wwKBgAyGD0dHg9/xAZdshpOy4MDQF7Y8JxMjBXhv6ggN\n"
    "lgl8Z5qeuMPeqoLso1LLuKK2J2nbf+n0Z3YT84Grtvq1rFL1Qat+hZllni8B+xlh\n"
    "nugp0waDMzB9YL0Uz3YY+zoeZxoUFEEIUXz9/KDFkTh7rl2KhNahtSvWoIw7cRSp\n"
    "mpUtAoGAXSut0RA4AeyIlcW8mCpEHNHiVevIvCx40kivm0o60IYlBysSYMBqEQ3g\n"
    "tEHLXBPX9/HMIQN6pQEceROorvAlwAgFNnGZeS1QiHgl1kkGz7yzh/DGGsdXh56q\n"
    "rTRgtG7Hmuzm636sWztYJXzCCh4MPWit6YBX5Tt//l2rX+ysWWw=\n"
    "-----END RSA PRIVATE KEY-----\n";

/* ssh-keygen -t rsa -b 2048 -N '' */
static const char KEY_RSA2048_OPENSSH[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABFwAAAAdzc2gtcn\n"
    "NhAAAAAwEAAQAAAQEA2xNCi8pqz67/IFKRrxg3MpRtwAPZI6smYRM6eJ+sebSr+kJell9C\n"
    "dgVAo4Q8YyziHIW/v40T8dmrHB96zii/tWaphdZYm9Jw8tU/IkTVjSjifvD9b9JwCU31DZ\n"
    "Cn9SAKAr15FEW1WIZYvGXGryLF0YmUSyQ8KiNXxjs77Gi74YbPkkJgA/e6xjRRwCZbcrFX\n"
    "OmQrapvi+287ZgqLULCvXJtpb64fLienBH7H3KDJmYFGPT83LyxzUnnJANGmM3Bp5m0S+R\n"
    "pF/VIHl7lQ8wMSbub4aHEUNVPNkSmKXfplor86sp8r+Xx9APRtQJduTya7ckaSorF8xglY\n"
    "y58qZh4cBwAAA9Cp9xrqqfca6gAAAAdzc2gtcnNhAAABAQDbE0KLymrPrv8gUpGvGDcylG\n"
    "3AA9kjqyZhEzp4n6x5tKv6Ql6WX0J2BUCjhDxjLOIchb+/jRPx2ascH3rOKL+1ZqmF1lib\n"
    "0nDy1T8iRNWNKOJ+8P1v0nAJTfUNkKf1IAoCvXkURbVYhli8ZcavIsXRiZRLJDwqI1fGOz\n"
    "vsaLvhhs+SQmAD97rGNFHAJltysVc6ZCtqm+L7bztmCotQsK9cm2lvrh8uJ6cEfsfcoMmZ\n"
    "gUY9PzcvLHNSeckA0aYzcGnmbRL5GkX9UgeXuVDzAxJu5vhocRQ1U82RKYpd+mWivzqyny\n"
    "v5fH0A9G1Al25PJrtyRpKisXzGCVjLnypmHhwHAAAAAwEAAQAAAQA/EJJNj52j36qN8XcC\n"
    "wqPRKa1WY0U04WYQ9+oTI1QRTRNc3ZJBE3ccZnKvH7gKjLciotYKHGCrdI+vbth5VH2riL\n"
    "wwTP4BDVl6bizYfpxDIIvjIxiyAhBCfXCX0Raol+qJ02VxkoebzkDpKxtA+2+a3FIWN34i\n"
    "Wz4/UHn1mkjLqOy2K19jTGC7P1cPFDZn6jPygkLfJua8AT2IlzZ1l2uqYy685NjPNURyJq\n"
    "91Tj07vcvwBo7e/gAewH9kZqXuL5OHCKtinqGgIdQ0a2A06qlNXFk0EqW0xxRGPVJsed7u\n"
    "jrL5zQWfTut67c+kyvKitO77iWxVktWbvDt1tiUGpWsRAAAAgFWpxIBVjJ/IoPHYZn2mRx\n"
    "3Qo2BPsIHYae8E8HnKqPhXswS24XDmIx5wrM6BtAHpbVUs4hb8jR/6ewcqB/6azYFG28GM\n"
    "fQXWInhFt4dC4LCw1JaaGFisjLjJY5BctPutMP7jnJd3KfG05WKj8BjivYmkj3MxhPnZ5D\n"
    "gk5AGvYAi+AAAAgQD6PQEo3NI/Y6kFbsY4NDkZ8SV9Td3CnBsS7iyiRN6tuV9OdZSmwHUg\n"
    "g1sxCXLLSfkTJhjj9JniHVtYnusfv07eor5hGCy9raE9ZDcgHf/NJ3Y0yzkXf4EPQ3OiBn\n"
    "JH0abSk6zZNxnMS0NCQkAhVV7GDJJYI34m9Az1Dy3zomkcVQAAAIEA4B6RqSdd4DzY8B8t\n"
    "v3rtNZifdyMYosMJc4lOk4VgYu7HEVd2ZciOkjx9XpfwmSM6QuosjgtrsH0ASS6NqxtW9P\n"
    "0eclRLZvKH1TdXP6xK9+EGBQo8tljjsNoa2tRdtOR6OJ8Kpb7EyUW6JKKFxR+sMyii43n5\n"
    "Wc1LBYLU/kA2susAAAAXcnVjaW8tbGl0ZSB0ZXN0IG9wZW5zc2gBAgME\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t rsa -b 4096 -N '' */
static const char KEY_RSA4096_OPENSSH[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAACFwAAAAdzc2gtcn\n"
    "NhAAAAAwEAAQAAAgEApxao68NJO/QDNL1+nfrNJrdaUrmA6QWkOxS+L+SXRsvg/kDY2q9T\n"
    "ZeO4DMecOoFXfmlD8fuG9H6qBNU84zjozv8x9pANSYZMvv9Zaf+J1arnnWw7tViEf+RQql\n"
    "USUjEj1InjDMX2nqNRqXILN54Ld8JpY9/uwnWaqjcdNra1MKSeCMtpq5+RKuPyGY5Z+PxT\n"
    "VFItKPn0z6zeVk5SIYoVgycOauj5qDQaJq/qgrkau3Vt9VquQoxVMGhe8l/rQEtOtx3D08\n"
    "PvFSQkHFUzn588lFNkbIkI843/vaMfW1VW409Qf8BCD1Kbtx4NB2hF/6r5z/vKBdzbrBEz\n"
    "46EFrNHptSXy2K6pOAt3KnJQyB36984YTjgVUDAHa5KKAuRK/QVzsPwdT26rBPVQogBraR\n"
    "NJpVV4QZDMuodYt99PXn71H3OnqP1d4ihNp2uGveSOy2n7rhf3Y/GnGqU2Y5cR6fXCrV9f\n"
    "Cocal8RESyURvk/HjF3QA5u/nPNOPmkeSvSqxT1a5IKNs8zoyX9OkcnVHOZMIUQiBuVKwe\n"
    "RrHD8soKcHVFke/KZOFTr2qVhcd2zWvXvtY6q7idwMReFULx9q69eEHonLaKmGTV8O3xEj\n"
    "r+wasW1WIPHw4PstiaHkoBRfkYwO2+psaMcIFnfLmvKi/AyDUgaNPF3BlBFqC61pYqZexp\n"
    "MAAAdQwcXPHMHFzxwAAAAHc3NoLXJzYQAAAgEApxao68NJO/QDNL1+nfrNJrdaUrmA6QWk\n"
    "OxS+L+SXRsvg/kDY2q9TZeO4DMecOoFXfmlD8fuG9H6qBNU84zjozv8x9pANSYZMvv9Zaf\n"
    "+J1arnnWw7tViEf+RQqlUSUjEj1InjDMX2nqNRqXILN54Ld8JpY9/uwnWaqjcdNra1MKSe\n"
    "CMtpq5+RKuPyGY5Z+PxTVFItKPn0z6zeVk5SIYoVgycOauj5qDQaJq/qgrkau3Vt9VquQo\n"
    "xVMGhe8l/rQEtOtx3D08PvFSQkHFUzn588lFNkbIkI843/vaMfW1VW409Qf8BCD1Kbtx4N\n"
    "B2hF/6r5z/vKBdzbrBEz46EFrNHptSXy2K6pOAt3KnJQyB36984YTjgVUDAHa5KKAuRK/Q\n"
    "VzsPwdT26rBPVQogBraRNJpVV4QZDMuodYt99PXn71H3OnqP1d4ihNp2uGveSOy2n7rhf3\n"
    "Y/GnGqU2Y5cR6fXCrV9fCocal8RESyURvk/HjF3QA5u/nPNOPmkeSvSqxT1a5IKNs8zoyX\n"
    "9OkcnVHOZMIUQiBuVKweRrHD8soKcHVFke/KZOFTr2qVhcd2zWvXvtY6q7idwMReFULx9q\n"
    "69eEHonLaKmGTV8O3xEjr+wasW1WIPHw4PstiaHkoBRfkYwO2+psaMcIFnfLmvKi/AyDUg\n"
    "aNPF3BlBFqC61pYqZexpMAAAADAQABAAACACVZGk8Aqsj85Q6P4NJ9MggaadUd4+OyQCB4\n"
    "pX5dETdg8RzD7/UJxZF70jMBFzm4mY8HBon7WBIkkepco6yClv9V6ZwcXOv3WgZDW4Am/2\n"
    "9EMVttyvbhH1Ta+vDn7R10IHcsjxTW1yZkiSdf94PqDtQpH5eUgXD0CqtLgHsvYdbKpQyA\n"
    "M1GKbE9y/jWaLSBLfnDVoYSMQp19HYGbJh6bF+3l+AILq2peow3MupWXvJL0T6zNJTB437\n"
    "3fRoHU0OfhLWoe/BvEqxdFqdCvdseSN19MOKFODDMspWKFKMgojjBnFS5JEjsMkwPecrka\n"
    "JLNeS1KjDGg9EtkmSzvxTSxxC1T2/DkCp6GUTFmWMDXJactTgyOHlmBSTiccPsXZ8KyZE+\n"
    "BWJxSE9PUjUnmI4IHkMmyYPIZJMqn57ovBNPFvlQ8y+KL68W0bArqDZFhggR3i4gsjdIpU\n"
    "/b7yAe1mQ/NbIcCnnncYJJYss+vdD0EDh9/qTfIHWFFP254I1uyhZXtfpYlu62jTuhZqwn\n"
    "qCRB2eocGo2Zs3EJCh7bIpI2iwuS19yuE0stB+xJ1+OTWOfnynti9qQcq+239sYqdo43NK\n"
    "At/ZoCMGoyAK+NZN4QPITpDsRMFWIPOiZXj3wAKXqR4s9giQee35DrCzV7nXwpvbM4Y2IU\n"
    "0MpC490u61MOALxQihAAABAQDHJ8GVTTMK0xNOmKa9Qpt6pMuHoFZHFEOrKkNoKKETI0KU\n"
    "B6fvMiLOJ4RRhLchbmxo2b34DF4K54MUra8SGYRo6ttBdS93bNT1UIrDm2BZgA34vAiFs3\n"
    "MgG5wsh5mSnzMsEBqsVEGlo2tYhJj7DTzIk0Nmjqd/1QFnVzKQhN7aHYntQQb3SCN/pBvF\n"
    "nlYPjR0BSOZ+vuISYPMpxykwbrFoI1OmitYr7YARXuCy0H87KHf+qKOtnWTtSENJN9hwqf\n"
    "ytLullYYRD0bIiJAAuPGn2gv3GdiXjA5kUmFyGAAZie/Ob1hYPGm6Xs2m1XxFLlLe2Eb09\n"
    "5wVQHZ5uIAm3JfZVAAABAQDRUtXCZczcqk4OVqQqsip1kmFb+6Z0ym6l8/wxM9pNZ929B4\n"
    "aC/92BJGkZaVVz/4DOG0Ithg/GnyZhBmwBx2NnDAsUS19AqNonMSEA6ojfz/BS3ju2Hdz2\n"
    "VAEXDevfmDSWu8owZL21ZjK3ZHf1haKyztNJ8gfpez7GEN+CHg21iaBK2qsDFe4j5A5sqo\n"
    "Ik/H4CNRmN9H6FbYOwG0M/dUllSZhq8iRPnSqe4TP/Es6NcZRlr1SaMmWjob2ri3LKMgZZ\n"
    "G8G0GZtAsbDmyiuEInf1P7cxz+MRbVc22PzPSGujFhSfBCOdLNHrJqCOalxw32ggAf0cIQ\n"
    "vaOzmCi8shacHRAAABAQDMWNnSi6ig1GmRA+jjr52Y3DOWmfht+GgPYco4t5HVRkqRvMUX\n"
    "wExFHiOyxdeiOFI7vomJh+9wYWRXNv0R7Bmc8RLG73RXDbdVPF1ZwCTmsBngBCw1LHJXZ1\n"
    "l2OR/84HdljIm+OVCtZ4xuh/aQERh7YtYoai/efGisvBAG6l9mG8xqFZDwOBKv//E4USPj\n"
    "+eFAFf5ePmEbHBJiVnvcuqt3YiPXd+GVQ0vkDqgKfFnGHifc/o8+xWg4fOtD+YsYpFrDck\n"
    "izA8KqkqIjcPU5E5ZWWQl2RZ/1TN5/FyF3h7Gby8COu22999O+bMpyixR88k1Oy1ymvKKI\n"
    "ojP56ADQ55cjAAAAFHJ1Y2lvLWxpdGUgdGVzdCA0MDk2AQIDBAUG\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 */
static const char KEY_RSA2048_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCjgN/tIS2selPj\n"
    "juiic5KZ9jr2cqsHkH1+4N1WM6fNHyr0FfRGDA87jmNVQKRVXijvcCl0I/IrLqLW\n"
    "+aqmdrYERZORm1PlN6sVn4Z/LuVykoVR+7tGQk/xWgpNwfcD1t8/gB6dJhG5Wcd9\n"
    "Lf2CLFO9N7DBMTjmQaBedVPIZRyJUV8f6p8WqU7xhw/rPdFOQlk69H4f4xw/HCUW\n"
    "EGHueF27L3UccUsdr1UYP6Edsnix/TXzRsuMvqNIlIX/anWwwg/RnrAgt9xdopYK\n"
    "jRUdyaHvicTM06xnUg7O4jrd3+uUv8HQLLyW9E1Y3gKil3j1OH675rZieLKU2vzH\n"
    "bbOia0b3AgMBAAECggEALpA9NWMFhuEvktbYGaugTIh7MkRlwLm9g6y2XB5J43jE\n"
    "2s6Fyo0UqXlbgKPwKP+v2MCwjYrPJM0bQu3HU7DrFTxbUlRSCC1aY8YSn5XTclWX\n"
    "8kkmhFPOQIXL+WkL1+QRoBv0m/yDf625ykSWtcO59WEuzVYfRjPaYAw52BAzmEdH\n"
    "ZXM+ExFroc6lt6Wpxb+3LNZlsbbDB4J0ysx3wenk+7l1my6J1FVCpQHJ7vM6+y4S\n"
    "REuDUAJJTBPZo8ls5QeO/aDmtsk/xGcnxAN49K+TtCvMBZIkfwxpIgf077oymWN0\n"
    "Aa2phGnoZnOecv4ljC6v0XXkyPeDo5JwIilWDGJfgQKBgQDbmAN/dIFRTVY2cLSE\n"
    "fDXfs25CY3aICEBerstuLOEHualsY+6Gq6dhtqNvDlhRY9v2EhUmYH7EAXI9k+in\n"
    "iK+kACsdtBFKGVeh5xzZQl4GpVUJHQOj0u9j5xxB6+YEeRQeRVmhEEDcU2kNQB+h\n"
    "ws+teE6TaHFQVXINnEoNkc9AHwKBgQC+nEbCfvCYUPv3WT3laHfVM4EmqpY2FvYp\n"
    "MrEASaI24BPJc99rom84euWekqDLC0o2vVe6FT04gsGkYO5RolwaxCz0vysJBtvZ\n"
    "ilIZgmwKSQF8ksJmDZ/k+VCvbjPO6xY47JI2mdtRMdel9Y2PSrYfR6+IfhWx+qK2\n"
    "C7x/6P2+KQKBgE2HM+Tx2x47Ma7yx6jmuZaLIOhreVO5phBHoib5zVEO6ZQNDA+b\n"
    "1vKWqsjwxZmmqegMpk7wTpEg+ZZn/AH6Lhi2voI0Ks6AeAH/OJ4z4kJyaL1Y8woJ\n"
    "1N7un3lesczuen3dejF1LZEcGcDF3OUdhHj4OrWscCUupZ/MiBCWZBd9AoGAKb9s\n"
    "uBi5dYL3TNuc9OwGowme1esy7zHkRG232spF3yMA8nSQkLCJD6PLOwn+cbpNTOP3\n"
    "nOgd+oyZAPnB+NtItQwWlJxyPo3kBSeIh9HK/A21Z6V1Moj1Zl88zs+iRUW0Hk+i\n"
    "TpcwM/5orw6zLJk+fmdjCNAkzFCK5rh3VsSfHtECgYEAwLh0QFODenV66NSet7ot\n"
    "Ipyd3PbLmrd+ugTJu4buI99h6PsYQfyj3Q7/6HPv3GODL7eY8hlT5KMEl6ig/DOV\n"
    "jfu2tjaUOPKzkvnuEscw6ZFgczxN3rOjkmy/5MECx8BixWJx8RVZs2gqRRv+Vfg/\n"
    "uylfDQhcQdGmSvoCzdigP38=\n"
    "-----END PRIVATE KEY-----\n";

/* openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4104, then
 * openssl rsa -traditional: one byte over RUCIO_SSH_KEY_MAX_BITS. */
static const char KEY_RSA4104_PEM[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIJLAIBAAKCAgIAq2k7/K3GuCJMV8fSdvmJX7mxJyeLfp2PZTFw0e+wqGRyPBh6\n"
    "/A8tHxlkgKBmf+BNpcn0fm2jRIX+cLpiBWfCJN429HlfP1tuhWjDn4JxblLsGRdl\n"
    "VbEPyIEZgbqPg+XHbnWIr5bzcA34XzATDAiEYgDodFw6c0ku+5k5YNPrrhx4krdi\n"
    "lE628KZ8jigvWarFk7/lKr9PnKXd4RYIh3h+WFG+dBCMhvCmkMZ42MCYeqDmExGT\n"
    "uzHkjc5VH1JWqTuOUv5AfRyVvtuTh4fA/pxl6XvwmsDufovzxbpCtZ6TQbkv1m/w\n"
    "Dm8vY3z3X84O6dpuwZ/fLJ26DFavVv6q0uuN2OPZHayPoQgQl/y9xHhAuP1pgiF+\n"
    "hGaqD47OoB/kKwkw+ZbzBWhSomp2A1r3hBkaMA2AkNgOLrijdyuz19kCGkK3i64a\n"
    "D3CFZxKSS0LMHLfU/o9nUkqbdglAcU/wUJqCCn9FUuQ3IrgnCAYZAi4EsMX7dfl8\n"
    "5H31OOoqq2DBvORKOugJy5DG8xpQXcHRgqfCFfqsljqaaF4+EP1qHVtTAb8Ud93U\n"
    "fEoevRUSFRnhMLfGHEJWM27LHmtVIIoX3h5i2R8/MCVdmT8gHcwpr86sAUHz+Exu\n"
    "bk9fM5VY/kWFGEc9jcSI88VglKYF0D/mNqX1COZDJBGbcRKPX+efgIuPXyD/AgMB\n"
    "AAECggIBQBOnxA5mMeFIbqwZJjakPu+YpM1onR1jRG3WAfS7MkfSWFrCZsV5lZ2V\n"
    "b2wGxRjhje9QAY8UsIHymsth5ylhbwzOuFdC3tlcGG0Qa+mEY7yF299eF0mIX+i6\n"
    "0z8ddS4JfmZbgWBJgoMGbPb4t8/bRROX0h/EDeK2uIEP7P1rpfuoqxf4tv4x7wYd\n"
    "m7qz8K4hC9l5XqCDr0hmCEWHTLUjbfqo2pRxI+SEL6yx8j0VAwpw14IDmr/M86HF\n"
    "Ol86XCsSSj4Xd22fIOjOXqTF5agrhLu7Nu6WeSHyL+EwHNq5q6EBnATeVVcE/Qjz\n"
    "JJJQCuWH78PG1tPjf8dL5pZu30gFD5xbGqeYn1Kevfeei5Z3UljADgyvnRxLr3uD\n"
    "e5Ek93fromz3PQ0Iwl/87WY+lxioPHsRoPZ/J5WdOM2MNC7jG01qImIgZapk2bxP\n"
    "xXdoLx5xFLYvluMORr6JqtcX71KJ8K9qyvXg+SbiMOsQll02gWKZCaUGZ+EgsHqi\n"
    "ZWao/7Y7aDglYcMdw/xC5T3+jFDxch+FZR38VaUPXivyRuY7VJek0cYVHumpiM2e\n"
    "h9p8WFpGhUVkCNemYzpXPZXKVroNpfhokNFozVaJuaAjmfchaio9ew3gRH7QSzPy\n"
    "CTLgQED8a/6Xjh5onC/dPfFtMcs5geWMyPwscJVZ4bSOvuSklikZAoIBAQ1MYZ6Y\n"
    "r0pFoehaYy9V40hDA8erGfvNlUgKOgZT5oG8q1QrsdZWjhqAxLJDySu+sNgaBZtb\n"
    "X6cVzI36UIeg+IV+Vi0JkYDKaS4Tmbjz/SSqU6KVQVMC7xcSv3SDSd1Jy5G7IxQo\n"
    "qHjoalNyGBHrGQ+2eFf+bf6T+/bbcT+nroOGkEWmawBc4HeAZBrW7TkGdKsTa3Co\n"
    "3tuLihw+iZ/bpR40BqQkbybKax7np/QJAlGCFCJyEXn9wSYwtkasjwWUGHbpIlbF\n"
    "GDhJySezTrorw/I0mDE8ifRZJG8I7s+zRQzIRYeLaHFm2khmLvCFtB4OdmWzBNF1\n"
    "/SwvJKq/umx8cAKlAoIBAQzjvyaUncHIp/92kB5zrqL0KS4z/cFHq4MPhM3aHiD0\n"
    "fCX7yvEAzFbnV88VNYm1WZO8lX9CjM+xW3baVQN0hh8D0Iy6bswlEqIICEmdidln\n"
    "zjhrO6AXPRzJcG+XIhHgyC1WwDdsOrH8ZnL9K3u7+whTAuWM6lg1owb8rSfhF7JK\n"
    "EpGcUSVi0eF34aawPk+LP6ldHkGK7YczcFOTeiWWiMRZIOmICmRfTDEg1DBy0t3c\n"
    "S3YjKTjN9hMYW3TLHTpuDbNQGGyC2FP0BAQn3H2Izg9vZy0/g5/jMHhmmScpiTvP\n"
    "OxprA+dzZ7S5rrhZrHW/NUWhs+zW1X01Tf1pAFINNbfTAoIBAQOuxFXsSJbT47t5\n"
    "1H/WVCO90z0nKAHwc8fIdTstXudMvVGI7C3EOIQkZtRLK1m+7DBcPHNCgaG+yrAC\n"
    "wuxcapZlXy4HuVCmPSxyZx6uCsttk82xca6wYE/OdFCqzvjGJ+bKoTNC8yzQiCll\n"
    "rj7AEWeli3wqzIE0sBEzwg/zusNXr3pqVLV8Avl1B8PbA0TIgeSicx121oiMAwpB\n"
    "U1F+vSI5HCG2qUVfxvx/AKb3G7pAwJytZCOZXzTZRpEZ1l2gHopHk6fd2xAzds5U\n"
    "vJeX6SKY6BCyiC2vxgQtwByqs5OPnpmjxJ+q8QYdriATlsbAEI+nXM041Iy43Xmf\n"
    "sNu8NjS1AoIBAQfwQGsXfu25klZRBEPtBXKRI8ez96YRaP2IEkfh/UpYqRmPsRar\n"
    "Yi5nvvnoWxfcHDZUIFLHfwfveKCDqXY+TthNNiVmMRUEBCzM+6WzJBJEz4qJ6KgZ\n"
    "h+bx3ZCsqSwPn9nkou+/dYrnI4XQjPZg+SPQVGliV3ZKWoTUHCUCieChpDwP5R48\n"
    "dX0Co3RQ+Z9t6KB7nEXLtazeLmEa5FDAHK2pIw8RXS0iUD+1s1m/bkV8BvHUh+/X\n"
    "UaXDC5ir++1fmIqGWvSBxZA3Kj4Q+shJ+HcjKo2An6VafCC7N7oZ585xPDpyDG6A\n"
    "8i8paQVbHU9LmxiulazZR5UcvlLDV5IxVpNHAoIBAQqDmtOehZnS6gUW9ahruS1K\n"
    "CpraEOWIKcgrNY525jaf5s7xPbcrCPwe6KTzqaD7d1lpZKGZsLECVxE9e76aMkwK\n"
    "QXlmpwraagWyhpXyzpLawKDh2FaOHJqKJEqNZx7pI+MGjBbxr5haOV3SGqLNHnIW\n"
    "7D1ANWIxFUmIbS7Oe+/avGSp4646bqf4jVBwh+VYvmeUe+iEcQj+EZPCV7hbWkjc\n"
    "avhPo7ms6u84vxLWgkgq0pl6O+ukQesXGwe4V0mfKrscsBsbmPQk9FzLHl932a/2\n"
    "2LFeCHKAGTmHXtTVdpju66cvoa9h95luvMXa44oUBZ/NNVZbyjf9Ci4vSXLvODYm\n"
    "-----END RSA PRIVATE KEY-----\n";

/* ssh-keygen -t ed25519 -N '' */
static const char KEY_ED25519_OPENSSH[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACAFiWn4r3+xAjFAP6U0H+swihHZmnEGB3T6+kXZGaCBOwAAAKBqP6Eaaj+h\n"
    "GgAAAAtzc2gtZWQyNTUxOQAAACAFiWn4r3+xAjFAP6U0H+swihHZmnEGB3T6+kXZGaCBOw\n"
    "AAAEDy6naI0VpX0zCo+eloWoCKxTPY7n+wEsJnxebsM64npQWJafivf7ECMUA/pTQf6zCK\n"
    "EdmacQYHdPr6RdkZoIE7AAAAF3J1Y2lvLWxpdGUgdGVzdCBlZDI1NTE5AQIDBAUG\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t ecdsa -b 256 -N '' */
static const char KEY_ECDSA_OPENSSH[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n"
    "1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQQtvtXtzPFqRwlTQz8qzqYiBnVUiefW\n"
    "4jQ567F6S1nICuOfcfJUqGzsS8V3TxWjIzCBkFmFhfIiSRjWZ4p973w6AAAAsEtPI9dLTy\n"
    "PXAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBC2+1e3M8WpHCVND\n"
    "PyrOpiIGdVSJ59biNDnrsXpLWcgK459x8lSobOxLxXdPFaMjMIGQWYWF8iJJGNZnin3vfD\n"
    "oAAAAgHuuEtpD8+2IYsV8Qe8SI5KXBUf2phLpcwGAkCJeQjXwAAAAVcnVjaW8tbGl0ZSB0\n"
    "ZXN0IGVjZHNhAQID\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t ecdsa -b 256 -m PEM -N '' */
static const char KEY_EC_PEM[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIAr+hsX8eP4ZI/OEkHeFMgSTRiGV0EhfV8p8UdMkyFtboAoGCCqGSM49\n"
    "AwEHoUQDQgAECm6Qc1fz8b5Sa3C9sCVzv/uGJdnhx/0xpgTQeVxI6jFUqCyHCm1D\n"
    "I2SA5kDVEXwikibWsYaBm0YsDUX3lhKRhg==\n"
    "-----END EC PRIVATE KEY-----\n";

/* openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 */
static const char KEY_EC_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnEHFg2xCZenYdvrz\n"
    "I/V+u32rG5J+kTUHM0Pj5nZAAn+hRANCAARj2i89v7upkQv0JbJFMm5X1F+GzhqA\n"
    "DJyLFOSfS3a9VMUwYrMN39HJe3043GUnQ5vE04EWFHap7UAerGxTA43f\n"
    "-----END PRIVATE KEY-----\n";

/* openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:sect163k1 (a
 * curve mbedTLS does not know) */
static const char KEY_EC_SECT163K1_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MGMCAQAwEAYHKoZIzj0CAQYFK4EEAAEETDBKAgEBBBUAOAWf0yZqB6Om5S0RTe40\n"
    "VKv2pmGhLgMsAAQF8afYvMXzv+ah4oHyeQf4iskAwEIHv/ZfdhorNDxFInWhUepA\n"
    "SieR/LA=\n"
    "-----END PRIVATE KEY-----\n";

/* openssl genpkey -algorithm ed25519 */
static const char KEY_ED25519_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIPbthcsBS26ipKGnwGCcZec3ufxL/mQD/XHSPNzia+/y\n"
    "-----END PRIVATE KEY-----\n";

/* ssh-keygen -t rsa -b 2048 -N secret (aes256-ctr, bcrypt) */
static const char KEY_RSA2048_OPENSSH_ENCRYPTED[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAsN/8Qez\n"
    "7U5BwkavxLcrRPAAAAEAAAAAEAAAEXAAAAB3NzaC1yc2EAAAADAQABAAABAQCrvuJwIbi9\n"
    "SHhKXhIhEUrfSrX74BkQgfEmLzvA3Qb2QnYguGjqteeu+IpEoUuE5JotsJTpxJOcWsmiq+\n"
    "k9arDDxmw+3kpVnE24YTYgdiBoMADflKrGCVMbMYXKtasLhJPQYmPCuL898FLPRxJKDzmR\n"
    "GOFBRxVPfJ5cXwUhN5Z2+lWFYCspYZi5OAWi/nGVOldg6E9TCJ/IcbD45xW8nAYfz8VUuV\n"
    "mEeSUa8wYQwHMe6TcmVMEibSGBnCXamrWmsSb5Z/aqWQDT8qzjctaOgVd/JljtFgoKjWS8\n"
    "OtYRKV8xPli1pmZW5Un4GKiouscnFi4AYjyejDwQnCQ6f5SqyiTzAAAD0M0tPrxR6gXZNn\n"
    "it2fAx3jkiqQabexw4n355KQOJHkcf6c1PhtboONgUbEirmEf31/AWpojJbeYdLfXCmIwB\n"
    "iq82ZVATwV+8DdbfMho7WxtmxtIG/Tb+EGI69x9AkWVLlVPzmaom4xOih5ObhAeLYVgequ\n"
    "u4BHUz6oN2182EGclHZonVKR5pKB7r+lBuJZOBYR/ZS9mGMNJjAc9EXNp7mUfUdHGsv6us\n"
    "9IHAcIIzf4oVqc6o9WxRlEg5V6qO3+JfUlWKG5wHx8U/jhNwOdcC65QozO5rwHQTopRNaK\n"
    "DGmQHZv+77z0DyGVlAhtNRC3RHmfYX/qutAIdfnVzJMvuDTFarisnLxGzDWvMcy3MObA/t\n"
    "2VWCiN3viPuKWScRCFw79KDwKFlikfFnddR2qa7a3YhEaQ2kmOJgsOjpqjruJJORFX4lSU\n"
    "gbg9C1225IQCXBWjYEH/HBVUdUTWgjrDX0MnVtDXJ5HlDxU7cx2YbtpfSSyq4H0ygH91Zv\n"
    "ipizu9LPWqmIOG7kT4AxJ4mBwULzlA6ltTyJ9S0kaF8Fhn/qHCY8oBGpXYJv2t1SHsjxIq\n"
    "VP6PcLAK7cGDZE+icFGc2kS+rIcfGxCXQTPxuNWSZZrCSnq0N+IVhKsZf+GypxwsLnOnNo\n"
    "zZPUHLWP4y7ignGQFE0uYx1ZowmX8u9cTMNyNmqfu/8qxWlsHAWDVa9qekB2UJzOiUt4pP\n"
    "ltJA4OgUB6OIM3ZsxKHEI0WyTDrYaM87Jj3Xk2hJXvHxUQNI3TSx4Bb5V3Mzo6mMPctT8a\n"
    "Fm/HY5UQtCWh2C3NxgYEL9FRRQfSU6OZzg3ItxZ3RSShMzFXL9SUEbtAfzrthhW/y4ZQMt\n"
    "WzdQyEbx22MIuF5v6kPQSwtTREHSFZAuTm2AOt6Dyv3q+IFPVmtGxHDIdm8/POGtQWNk1U\n"
    "ARDtRM2Yp+nPQfSt3FRb30RlQ0vERY1gOXXkVfRnjJ3aqcVpxIeflbqC5WGUNP4HTgazst\n"
    "E96o0MFG0QpK1JlONIGbiCcSp4mUn8MZfIuPSYQR/0TuN2E+uCXZ48lWJOfwn3jLPCvFqz\n"
    "LlNyVAFpobpvWAXZw7VLuAiIlqIQJOzb3aIBY0OBxN1fSlNPK/O/c2y1ihP8TTdwZKLwx7\n"
    "tafN1/bwYHimR7/51pqKdFmKpzGeTLqlkHn1d11pI0y7NgmTKYebjMOd6O6zP9wMLWjhmK\n"
    "jhUavNhEGYyPIadPjYjJp7LNucgZsGKr4LT7c/oojJ2xis1KyQi4yO5kIo1yVZdfgb68Nz\n"
    "M0iC0FL9PUguTTda8mFDaDYg5QLUs=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

/* ssh-keygen -t rsa -b 1024 -m PEM -N secret */
static const char KEY_RSA1024_PEM_ENCRYPTED[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-128-CBC,3DDE969A7C37109A782C84405973D28B\n"
    "\n"
    "cpKevFDGvFxRAOwTSU/uQGL7Bw9VSNugNfCBCpkqj1i1qTAGvHoQRsJJig57Khjh\n"
    "+E3mi0/1/ovFvfyNh3aoGkMrsKLbovS6umYNGHQNm0arDHVVrIqn4utVgxX1qGxN\n"
    "2fNNogyPRyhcvOyDmsCdewXqbJ3kLF95t6s4fiLxvguy0q4Bm7mx0c3Ccqi61bDR\n"
    "zVZqoyHsFEDVL5vWMVWoqFV3h6ahvrtZD0zMdjcDCazA9GePG5GOB30A1u27R7rn\n"
    "B0KjIxvFnbLLJEtTWVmuPyZDNbgofKq0VbWx2TipdCCt9Ut+iETRFky6trP8Q+dz\n"
    "CaZaOm5yl3sbin6Gs5kW3ZkM+Erd8g9w/M7RQLQkSGt+SPeNp7hQduZDuyXltlWE\n"
    "2eOMXVm1Jx6yALNB/AcRf3K1V2y249g4iN7ZDXHDrOn7HYkbGxXIL6wepaWyH9rb\n"
    "mErAPNusOmFLPpuUh8XDlBYuXC29CS3fr/E2DGfSynuv0SsdrVIGjXQNWwOfbw52\n"
    "1cq+dDA7nyrx2rjbjiC19a2mhvrLRUlS8rFkGffT3Ik1n0kYHfX3qYNOysZ3HPh5\n"
    "IDvKzHycQqtUdyD1/8VfFSpRxZgpBVqd7zH9HrXZqcrJB4B8hZ8OURFGStFL086a\n"
    "EzQTzgnaJfzFuz4ZaQDkKHXv+fZTG4PW2Z2742GctcjA9qHz04ZolHNN/qdrVOMv\n"
    "KVIMDwsJRV6Rv4BU1XMdFOGAJH2gX4xJPyAWtu8Defwt77j/ZE5x0UZdYx2Bevf8\n"
    "8/xFzT9d6fZyOa8q+ByCFP+kyuhI6KYefbOmc9Yf37UEoIRawXl47CFdw8i4WUKl\n"
    "-----END RSA PRIVATE KEY-----\n";

/* openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024
 *     -aes-128-cbc -pass pass:secret */
static const char KEY_RSA1024_PKCS8_ENCRYPTED[] =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIIzqORMoJRg8CAggA\n"
    "MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAECBBD3EcNHhSK3UTgZ8D6OGQPhBIIC\n"
    "gCdp2UqN6McudNga1atg27LSd36mZOch2FSjFkDEMpqwMTQcn3wOQGt8gsLZ/MQ3\n"
    "Lh+YaTcnDWptdY49j8PZfxycGDsRImgXwdxrUSsD8xW5ibvnv4LyKeDjAS4xGx7g\n"
    "tPCOK+JJ9bgOBgCkxLvE1XV+ZaHsgWEEDRs+YjyLqwQLdfvPqawb3UNv8y+58jOA\n"
    "OpRDF9Ps9sqH57iDRtQixgckwt0wOLBzrRe1gjn29fz4al3BKg6NaEqrLCwdmdy3\n"
    "e02AgQjjcR9gVJ0ZgjIJn1FKIFSGS1qQdOZFPY70MwWTG9nnb4A8Ykzj+a3ixYOD\n"
    "YwDyHODNezQMu0x3ivuaNoHbIrHi/nh2nUhuXCQc1WK+uwp4YWcZJOZgavwMe/aI\n"
    "CVvYkXi8wOOemI6d6MwB4LicKA16d/elw8JuAGj/SztGKvR9m6tgbo8nbMM3+lXu\n"
    "9Z+acf8u4y6lGj1qtndSkaGC5KdleeUTUexHeVHDMN8FgB75r64DzfOqaMvGHp8w\n"
    "HVVf3rxCnbGlVDH5biSXxv2D9DIaMtm4+XCUrqrH4fAbeKsDns9moOYX6kWt7Evn\n"
    "LP9elHt/TAqyZgqVJoqGQ/2f8QcDjpCNf/yEyX0zNvNtJlnuKHdTg+M6LB2VjQL0\n"
    "yHYMgEp08RKoEPtwE9qiuDucXXOtK4ujC3Z3YLKZnIZFF/sGxfdWSQ/0QnrSCFv6\n"
    "dV7NqYVd14epOteNxPFjh/UshT60jxGjwwErK94tb4SqxnvFtqAfpvOsK4eDVQQ4\n"
    "GKdJk3Yz//uRE5CzEnDW9YTBY3ThEYSZZcHMgXD0jsqDu/5X8paVcA5uOZOFVIHK\n"
    "fgzhvdl2cn4epGvCzodpunk=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

/* The public halves of the RSA keys above, as ssh-keygen wrote them
 * (ssh-keygen -y for the PKCS#8 key). */
static const char PUB_RSA2048_PEM[] =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQC9uFdfASLlmjEsU1hCz9A5o+gp5NdkViDU258I"
    "PByY/pCcAyclI+3PM/gToYEb8pVQzqQQqbtOdsqWZVjhG4yV3CG+L77Faa4jqF2J17kl"
    "WAtrwCuwzmNm9ZwYV9NfRSkFjyjhe4J/dKi793+tN4H05CjyddN/loEVOfAngCAw1+S9"
    "KCc3CgMokJmvprozHW/jK08YQuBJUKjTlVRaNuUqNGjLo7osohAINyRuPoQ8Ei4izMW6"
    "9Z0krJXjR7QTNv7Fx7LzQgoSPPsHbLFpxrc+wPp4So8wGnYwbY/X6SM8nMZwkeDMmt5d"
    "Sujmqh1zB9U9yhU88AQNZJ4+Qvjiq1Il";

static const char PUB_RSA2048_OPENSSH[] =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQDbE0KLymrPrv8gUpGvGDcylG3AA9kjqyZhEzp4"
    "n6x5tKv6Ql6WX0J2BUCjhDxjLOIchb+/jRPx2ascH3rOKL+1ZqmF1lib0nDy1T8iRNWN"
    "KOJ+8P1v0nAJTfUNkKf1IAoCvXkURbVYhli8ZcavIsXRiZRLJDwqI1fGOzvsaLvhhs+S"
    "QmAD97rGNFHAJltysVc6ZCtqm+L7bztmCotQsK9cm2lvrh8uJ6cEfsfcoMmZgUY9Pzcv"
    "LHNSeckA0aYzcGnmbRL5GkX9UgeXuVDzAxJu5vhocRQ1U82RKYpd+mWivzqynyv5fH0A"
    "9G1Al25PJrtyRpKisXzGCVjLnypmHhwH";

static const char PUB_RSA4096_OPENSSH[] =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAACAQCnFqjrw0k79AM0vX6d+s0mt1pSuYDpBaQ7FL4v"
    "5JdGy+D+QNjar1Nl47gMx5w6gVd+aUPx+4b0fqoE1TzjOOjO/zH2kA1Jhky+/1lp/4nV"
    "quedbDu1WIR/5FCqVRJSMSPUieMMxfaeo1Gpcgs3ngt3wmlj3+7CdZqqNx02trUwpJ4I"
    "y2mrn5Eq4/IZjln4/FNUUi0o+fTPrN5WTlIhihWDJw5q6PmoNBomr+qCuRq7dW31Wq5C"
    "jFUwaF7yX+tAS063HcPTw+8VJCQcVTOfnzyUU2RsiQjzjf+9ox9bVVbjT1B/wEIPUpu3"
    "Hg0HaEX/qvnP+8oF3NusETPjoQWs0em1JfLYrqk4C3cqclDIHfr3zhhOOBVQMAdrkooC"
    "5Er9BXOw/B1PbqsE9VCiAGtpE0mlVXhBkMy6h1i3309efvUfc6eo/V3iKE2na4a95I7L"
    "afuuF/dj8acapTZjlxHp9cKtX18KhxqXxERLJRG+T8eMXdADm7+c804+aR5K9KrFPVrk"
    "go2zzOjJf06RydUc5kwhRCIG5UrB5GscPyygpwdUWR78pk4VOvapWFx3bNa9e+1jqruJ"
    "3AxF4VQvH2rr14QeictoqYZNXw7fESOv7BqxbVYg8fDg+y2JoeSgFF+RjA7b6mxoxwgW"
    "d8ua8qL8DINSBo08XcGUEWoLrWlipl7Gkw==";

static const char PUB_RSA2048_PKCS8[] =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCjgN/tIS2selPjjuiic5KZ9jr2cqsHkH1+4N1W"
    "M6fNHyr0FfRGDA87jmNVQKRVXijvcCl0I/IrLqLW+aqmdrYERZORm1PlN6sVn4Z/LuVy"
    "koVR+7tGQk/xWgpNwfcD1t8/gB6dJhG5Wcd9Lf2CLFO9N7DBMTjmQaBedVPIZRyJUV8f"
    "6p8WqU7xhw/rPdFOQlk69H4f4xw/HCUWEGHueF27L3UccUsdr1UYP6Edsnix/TXzRsuM"
    "vqNIlIX/anWwwg/RnrAgt9xdopYKjRUdyaHvicTM06xnUg7O4jrd3+uUv8HQLLyW9E1Y"
    "3gKil3j1OH675rZieLKU2vzHbbOia0b3";

/* A key literal and its length without the NUL. */
#define KEY(name) name, sizeof name - 1

/* ---- Messages and the signatures Rucio makes for them -------------------- */

typedef enum message_kind { MSG_CHALLENGE, MSG_EMPTY, MSG_1000 } message_kind;

typedef struct message {
    char text[1000];
    size_t len;
} message;

/* A challenge token as the server sends it, nothing, and 1000 bytes of
 * 'a' + 7 i mod 26 (the same expression made the Python input). */
static message message_of(message_kind kind)
{
    static const char challenge[] = "challenge-1234567890-root-1764409178";
    message m;
    size_t i;

    memset(&m, 0, sizeof m);
    switch (kind) {
    case MSG_CHALLENGE:
        m.len = sizeof challenge - 1;
        memcpy(m.text, challenge, m.len);
        break;
    case MSG_EMPTY:
        break;
    case MSG_1000:
        for (i = 0; i < 1000; i++)
            m.text[i] = (char)('a' + (i * 7) % 26);
        m.len = 1000;
        break;
    }
    return m;
}

typedef struct sign_vector {
    const char *key;
    size_t key_len;
    const char *public_key;
    message_kind message;
    size_t key_bytes;
    const char *expected;
} sign_vector;

/*
 * Produced by rucio 41.5.1's rucio.common.utils.ssh_sign (paramiko 5.0.0)
 * from the key text above and the message. paramiko does not read PKCS#8,
 * so the PKCS#8 key's signatures were made from the same key converted
 * with `openssl rsa -traditional` (PKCS#1 PEM).
 */
static const sign_vector vectors[] = {
    {KEY(KEY_RSA2048_PEM), PUB_RSA2048_PEM, MSG_CHALLENGE, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQCsMDt+IGAdLET1vOj+SQIYYBEv1+O/oHU2jYhf/Rpa"
     "NF62zoJQzGIdT+wOc1xTIranEidCNFuAd50Xk4ILc+JTsHeVhrv9bXngiwbB7YONAjtD"
     "xFAI/m3GZFUH1kLpUOoq0NGRqLAgiP/EBPJsZRgyJGwX+vKNaSZFAjIfOOujhgUZ/sNE"
     "asQWYy6K6Ep5Yl5V1ELX/5ttoZQhk8o9CdYKOxxDHivLo03AY8e62BX9oRFgeXzz5zCc"
     "FHm1UEAKXiBnJE2GMiSZpqjoTzUxfm3VktSbEbdIObQ7QvePYPq7ufmW5Zu64puHHpzx"
     "3Zhab16zookHhiZ7hfmOC3dKW+jD"},
    {KEY(KEY_RSA2048_PEM), PUB_RSA2048_PEM, MSG_EMPTY, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQBitNRI/sNJCzAIdx0fOuUL6M6NQs1zpdYjGFQceYGw"
     "OF3hPBfGG0ouLkNgImv1GZttwil7dSODVkeNFQ4Co7Nqq/cTKXnTasaqY78qdvGkiFln"
     "cedA+JK3VtGedS5jfEnXTzh6jKtpUZ28/pzskqHOAMjO1Gn15C7DQ+Jm4pUlYR3qpQOR"
     "Mx+JVptK8pTu4SxpQl2klXPZ8IkFbwcKP8Qwx/Jr6ab3hpNsCILcfA6EymtAsxKTpKWm"
     "xCpIWliVeYQHaf5xbSnZMUDqCO1TULqhWQ+6DgdDhDk7bvuTRXF78OQ+ZEj0G5CDUbwd"
     "gp4fqvlk/ujKIjkGNvAg0PGplvmM"},
    {KEY(KEY_RSA2048_PEM), PUB_RSA2048_PEM, MSG_1000, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQBqeAp4gIbj0cl9W3/gnTtdq8gMB+nwOPg9p3XfvEFL"
     "Bkg+uajow/xoAtcge3SjVHXSprb3R9bvC7YX4ho/VWewOiLZnQoA5G/FGKtSd1staiCi"
     "/oXHG859L516HfWPddbzBhaLd0E2cCdn1+6ti/KaPB9Et0afsEjJ5jhC2ABF8IxG4zae"
     "rJkXis1Cdw7Dkchdgsg3hDz7CWmxWLTjiWDusRi8w2w1/LdKb61F1O4Wy4zghZAqslnj"
     "JPZzc04GxE2XozpU67xBqJ0TMCaHDJGNWGHBIsM6giNU6KU2mfG2PNFbprIcGdA8gE1i"
     "EWI2xj6N86PQ3GSTyjek80lI1ql9"},
    {KEY(KEY_RSA2048_OPENSSH), PUB_RSA2048_OPENSSH, MSG_CHALLENGE, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQBklkHrT1dvrtE4oE9nHQo83aSmQxbFQGS4++W7+bYZ"
     "x7YBvgQBA6hgnpXlhSf0E8KJarrDuhAY/dZeUqGrmUcinwfFtyW5WEOMtn4j6DDGMbWs"
     "IKU0x7Wb+ZjnqL9p5C/TWUllb33U2cWHNio5SGihhD3dHucZtNrT0ePS6vzKyZBhaIgn"
     "cahU049siryk1XKNTtXKEvnVZWkJRj0k2Y1E64DBVPTxiBIT90bSvN9GFNL36o8+hqG7"
     "3ES067BICR1J6mYA5QNzqANbURigcMFsAyb1s9ZbeuiAPREOevGUm6Ygz3SGvAsryAJs"
     "Fw9HunR+pyWzZDfH9BsmOHxjJ/32"},
    {KEY(KEY_RSA2048_OPENSSH), PUB_RSA2048_OPENSSH, MSG_EMPTY, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQCdcUfADQ9IW+Y6QIpR2prDxIxXSPzwOAri5oqq5eEu"
     "QB2GY51BC0ggsdyt/FGCETo+rDad4LpVltOVTzaaARa+cg0ZVwKW+4MOkjKUCIqsdilL"
     "qyJ4e1kjrI23ma/62xt4T6+hrnINsbVDQnocQc6UKhAM+Z27hExsNQ6irMnChoWoL4ZF"
     "mZq36s33qR77MxoUvnFan6jpjpzTpe0p9v6qZeNjdA4sTVg6lVPga9+rE/TxLU1klmPR"
     "oiMo7hP3w00kNReXTaM3HuQuLk/HWzkHHZJThMZyrKBFLUu2SsCrqsKNXhpz3ElxueiF"
     "Z3WHW+nc19yix8fD1kL1C/fX37DL"},
    {KEY(KEY_RSA2048_OPENSSH), PUB_RSA2048_OPENSSH, MSG_1000, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQBnXDVmcWF8d1LADL4tlgFJafnYNYicoH9eStysKuPM"
     "SNH8SBT5we0SP4JtIE2ahVIgxuUzQpKfWwUE+itX1zeXDe/IYiSTqkruZ7pyxgKlHHbq"
     "k/TB/2cfe43gwHXcLMMu0LLzTiioH7Km2R5JgqhuSWGvuiLxy1JnLzh7RFezRPsRFBt7"
     "iNmfjK/PCVW0WPVWs2NBJfOT1QviLcCXQgSUT7MaLyYm7CNJXGnhLaXZQtwSxdC3lW3K"
     "I7nttUrr4OiKS6N6ezs+lfI5dThY1wiqp0NXFteTY0W1BuT+v7wP6IEaUt6TBa+X6gKi"
     "vqbi/PADhJeyYYTl77bXKa/Zl/qH"},
    {KEY(KEY_RSA4096_OPENSSH), PUB_RSA4096_OPENSSH, MSG_CHALLENGE, 512,
     "AAAADHJzYS1zaGEyLTI1NgAAAgCLGOn3nzo9dx5+HKS31JgiQwxrs0gbReBOeJTT6OsR"
     "en3DpfivdqkfQvkTrIqo4XbYKIxUzepk50gvUt0onNpkH88VF8dDOOBx5vk9iJ2gHesg"
     "qsGakWaO/lYgFrKOmEBQJhNig7GXH5ZwlsPzhK0pAfighWdlOaWLFhv6sFL80bw0Y3y/"
     "iZW1IKA81uyNY6b7cVvhNdf+Xny6A+TAdtFZA8Slz064xtrVBNuTrD+TKDE83D8jBw0/"
     "b6K1XRCbItBkrS8z0WinKBGT//hGyeaOJuV5DjVeeD7mS1tmlB6rkE8iHgTz+B1LEzXi"
     "X2xGF/CUHAYi4lM5u+W9Ms7Voa6TxwH48BZscaQFkrx0NoVn7ocQcz+ncdSopu8XbC0O"
     "aGDXofDDjXfDOTxOuzHUebywEwKublIeC/VE1XQKZOr7onBoqb2ro1FCCIvns0CRBik0"
     "aHL+f9v0ov6MclDvZ0aRMUgBTTLOZF8jvg1c0LtQiDykEUtszyfzLtl/vQzdVE9bAHZt"
     "E7n0pWrRDBjDVdgjfaNFDEJyMlYij8JuWEYEmQGHT6xIoZg7Usm7gsK/TMV6goMe9lcg"
     "RNqRYKw0YBvfxr7g+TH5HcBlKcUNfnBNH7EwKdHuUI2qqC9aEsSDoipYb5A0cmzRJt7l"
     "D0RT6cUGLHlOGg6VtfToL45lP9Z2+w=="},
    {KEY(KEY_RSA4096_OPENSSH), PUB_RSA4096_OPENSSH, MSG_EMPTY, 512,
     "AAAADHJzYS1zaGEyLTI1NgAAAgCc2zaMfY7Kcftvmg1cvMxRgbhU8d0Ef3sWjMxUnWNL"
     "LRiJYuQhEScmGYld6W4ypul/CKr6sqqkGQ4RFDdHw2uTUjVHKMMc8/Rw1pwZCHs+e+/W"
     "toUi39RfOFLN7HnUqrQMUG2kLaxm5okqJdF1+E/w+PV9jELnOdzL32AJ12WDQTcDeF9Y"
     "29/z8wPTyJ8wAwL1TOaAXMfteMqMoiGubF4iNcFrnZhTWFypREsb8DXdXSwlmurbOmmh"
     "0RjTof9eVMyu7G9iiqonJv7ogFNuvjRft083l+bwDDw7aatdlqZChKhushHRTHBjZKjI"
     "UMF7BLDydKvw1/oW09XP+TSPFXjCsgenJxdtx/mntbgW0lLaE/kt+BEhK1NIc3psTovh"
     "KDQcV99kmKhORzE2fgC7ASfE4IhmDJdEYO6AWO3Q7gJcE3KK3IX9MvK/EwtB27JvrI9c"
     "GvMUQAncusUwFbwLPK/LSRb+cAomRqkfTW/sE6H0CqS3AxzrTJ9AB+FU7z/udcX6RukZ"
     "lfvQXomqDUsRpjmNjKPhQNngwBZMrN9ZibUTw1N6kqvQa4ZZ2PYuPs7jCuxlGNfxVGSZ"
     "+jlhKSL+uIrAEBy2r03pNHcHKEee7vJRIVursy+l2EXAzgIcO6Om2Ou3xP94S+Jdqfo/"
     "h5ghAVVtzir/dK3VaE/+2RyfdjuadQ=="},
    {KEY(KEY_RSA4096_OPENSSH), PUB_RSA4096_OPENSSH, MSG_1000, 512,
     "AAAADHJzYS1zaGEyLTI1NgAAAgByhzDCBIu40Z8iLVsyRpYr8Hq686ToE/45uAzUC0Ff"
     "FZ+SsqNiBYXhreEI5hDMDZ5uNg69wSdbpBPOafJACVc42u6SOHIew/ihjoVLOoJz4XDo"
     "XVsWAfHgbnU75XpSU3c9fveB56+Ptimo6aWJvLI4Dw47zOj7Xhh388xM3B3PLA7WXREY"
     "zCGC2KQLu7taIdI3w3/PFN53lNMayAOWiwy7Cq7hd2TM7pvE9FHhT10boRo8/1qTNPUZ"
     "wWzYI2UCfBDxqspNaxvi96UnhBaFYN3hJ7rMva5GJhl+kqcXX1sEuvRdrEByXCXogDtz"
     "efrrraAz9EC6cnebvUSNgWP/m2rDdPjMkBRm8M+WNgEJY2P7apMBQqylVXRS/ce/P0Ne"
     "MtUU05z4ZteD0vxFv6KW3bO/AXx7ggHekRjz4jFa0RT2go62Rmj1EoURYct9RCgBsgf5"
     "AXmpqlS1StOa36NWKhp1o2Go/3MKq61DpwQA7aD9wzcIGDPj1DHyNlk9NWk8Gg+TbxKd"
     "Va1Z1xT3lOGTqclEmd1dTR4HhtrvjLsnaVZOvPfM4axIL21HoVQtbMdeILESfEPYqfA6"
     "yhp1sk14OfqJ5pOTwI1IklTzBYiaVRL8ygNmfzG3YY2PX39J4i5vQFPncoo98wGSMFhW"
     "e39etAey3RzWz4v+jhcrnR8OWF+6fg=="},
    {KEY(KEY_RSA2048_PKCS8), PUB_RSA2048_PKCS8, MSG_CHALLENGE, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQCJj0aBYxqDIPGdL4vn9zJY2Z3DzsKaOqbAFOgMAlIg"
     "1jhV1E0HQ6b8K+HUBt81Np2hHsDWDWBSPQ5JzcYhg3Dg7nGyy0u1dfRfeWu3VX3njpE0"
     "z+UCM0p2keheBH5mvQYVQ05nqBAduLPboubbBIE203tIQehdalycvuabULAq5iahlxn9"
     "CE1+HSoaFG1x/YvD4/TjL4TsDCafQinGsnlJDptBpDIZzm6CVF1QWPnU6VI7TjHUBy+3"
     "FcuVfluJ1zhHlmRoMYbelxgWDPYdoiY+AcjPSvcPfnBU/DwU8XAiJMBQtnUHpUiTF2V9"
     "i7Y9vSYuJmyIXpILBpmKC+GdvhlV"},
    {KEY(KEY_RSA2048_PKCS8), PUB_RSA2048_PKCS8, MSG_1000, 256,
     "AAAADHJzYS1zaGEyLTI1NgAAAQAHfF+8sBYpqZGEqaBLIGBW188W3QxelWDIWx+Mg1zx"
     "W1uHoQtidxbao99IC9GBTZbX2MeTXob/Eexd4XrOd3AX3Ia1fkxIvUSZkRAM2AJihNQV"
     "vU8EmLj11pzMC4kMqqV8BuzLlHVW7uWX6zayAaz+ZmJ5YlQWStaRlo1flX4qD7gYrGHz"
     "LT6C5D3CQhgF0d6Bw8/4bjKhJ5bgRkyLZZngVIO69u8gwOVvQMxXmRsfUsEpoCmUNu03"
     "uCqHONPNNoC7BsVpu9HQEqU8JtJDj+I3YyEUPu5y5tE3HzJnRpEn1rMi3x422gq6AMvv"
     "xfhqRMUs5BSdBbC0rgxyDX8wdGoO"},
};

/* ---- Helpers ------------------------------------------------------------- */

#define SIG_CAP 1024
#define BLOB_CAP 4096
#define TEXT_CAP 8192

/* Deterministic xorshift64: RSA blinding needs random bytes, and the
 * signature must not depend on them. */
typedef struct test_rng {
    uint64_t state;
} test_rng;

static int test_rng_fill(void *ctx, unsigned char *buf, size_t len)
{
    test_rng *rng = ctx;
    size_t i;

    for (i = 0; i < len; i++) {
        rng->state ^= rng->state << 13;
        rng->state ^= rng->state >> 7;
        rng->state ^= rng->state << 17;
        buf[i] = (unsigned char)(rng->state >> 32);
    }
    return 0;
}

static int failing_rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

static rucio_status sign_with_seed(const char *key, size_t key_len,
                                   const message *m, uint64_t seed,
                                   char *out, size_t cap, size_t *out_len)
{
    test_rng rng;

    rng.state = seed;
    return rl_ssh_sign(key, key_len, m->text, m->len, test_rng_fill, &rng,
                       out, cap, out_len);
}

static rucio_status sign_challenge(const char *key, size_t key_len, char *out)
{
    message m = message_of(MSG_CHALLENGE);
    size_t n;

    return sign_with_seed(key, key_len, &m, 1, out, SIG_CAP, &n);
}

static const char *expected_for(const char *key, message_kind kind)
{
    size_t i;

    for (i = 0; i < COUNT(vectors); i++)
        if (vectors[i].key == key && vectors[i].message == kind)
            return vectors[i].expected;
    fail_msg("no vector for this key and message");
    return NULL;
}

/* Bytes of a test buffer, read as SSH wire data. */
typedef struct span {
    const unsigned char *p;
    size_t len;
} span;

#define SPAN(lit) ((span){(const unsigned char *)(lit), sizeof(lit) - 1})

static int take_u32(span *s, uint32_t *v)
{
    if (s->len < 4)
        return 0;
    *v = (uint32_t)s->p[0] << 24 | (uint32_t)s->p[1] << 16 |
         (uint32_t)s->p[2] << 8 | s->p[3];
    s->p += 4;
    s->len -= 4;
    return 1;
}

static int take_string(span *s, span *out)
{
    uint32_t n;

    if (!take_u32(s, &n) || n > s->len)
        return 0;
    out->p = s->p;
    out->len = n;
    s->p += n;
    s->len -= n;
    return 1;
}

static size_t base64_decode(const char *text, size_t len, unsigned char *out,
                            size_t cap)
{
    size_t n = 0;

    assert_int_equal(mbedtls_base64_decode(out, cap, &n,
                                           (const unsigned char *)text, len),
                     0);
    return n;
}

/* PEM armor around der, with 64-character lines (70 for OpenSSH keys, as
 * ssh-keygen writes them). Returns the text length. */
static size_t armor(const char *label, const unsigned char *der, size_t len,
                    char *text, size_t cap)
{
    unsigned char b64[TEXT_CAP];
    size_t b64_len, line, at, i;

    line = strcmp(label, "OPENSSH PRIVATE KEY") == 0 ? 70 : 64;
    assert_int_equal(mbedtls_base64_encode(b64, sizeof b64, &b64_len, der, len),
                     0);
    at = (size_t)snprintf(text, cap, "-----BEGIN %s-----\n", label);
    for (i = 0; i < b64_len; i += line) {
        size_t n = b64_len - i < line ? b64_len - i : line;

        assert_true(at + n + 1 < cap);
        memcpy(text + at, b64 + i, n);
        at += n;
        text[at++] = '\n';
    }
    at += (size_t)snprintf(text + at, cap - at, "-----END %s-----\n", label);
    assert_true(at < cap);
    return at;
}

/* The decoded body of the first PEM block of text. */
static size_t pem_body(const char *text, unsigned char *out, size_t cap)
{
    const char *body = strchr(text, '\n') + 1;
    const char *end = strstr(body, "-----END ");

    assert_non_null(end);
    return base64_decode(body, (size_t)(end - body), out, cap);
}

/* The RSA public key of an "ssh-rsa <base64>" line, into pk. */
static void load_public_key(mbedtls_pk_context *pk, const char *line)
{
    unsigned char blob[BLOB_CAP];
    span s, type, e, n;
    const char *b64 = line + strlen("ssh-rsa ");

    s.p = blob;
    s.len = base64_decode(b64, strlen(b64), blob, sizeof blob);
    assert_true(take_string(&s, &type) && take_string(&s, &e) &&
                take_string(&s, &n));
    assert_true(type.len == 7 && memcmp(type.p, "ssh-rsa", 7) == 0);
    mbedtls_pk_init(pk);
    assert_int_equal(
        mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0);
    assert_int_equal(mbedtls_rsa_import_raw(mbedtls_pk_rsa(*pk), n.p, n.len,
                                            NULL, 0, NULL, 0, NULL, 0, e.p,
                                            e.len),
                     0);
    assert_int_equal(mbedtls_rsa_complete(mbedtls_pk_rsa(*pk)), 0);
}

/* Check the blob framing of a base64 signature: string "rsa-sha2-256",
 * string of key_bytes bytes, nothing more. Copies the signature to sig. */
static void assert_blob_framing(const char *b64, size_t key_bytes,
                                unsigned char *sig)
{
    static const unsigned char head[] = {0,   0,   0,   12,  'r', 's',
                                         'a', '-', 's', 'h', 'a', '2',
                                         '-', '2', '5', '6'};
    unsigned char blob[BLOB_CAP];
    size_t len = base64_decode(b64, strlen(b64), blob, sizeof blob);

    assert_int_equal(strlen(b64), (20 + key_bytes + 2) / 3 * 4);
    assert_int_equal(len, 4 + 12 + 4 + key_bytes);
    assert_memory_equal(blob, head, sizeof head);
    assert_int_equal((size_t)blob[16] << 24 | (size_t)blob[17] << 16 |
                         (size_t)blob[18] << 8 | blob[19],
                     key_bytes);
    memcpy(sig, blob + 20, key_bytes);
}

/* mbedtls_pk_verify of an RSASSA-PKCS1-v1_5 SHA-256 signature of m. */
static int verify_signature(const char *public_key, const message *m,
                            const unsigned char *sig, size_t sig_len)
{
    mbedtls_pk_context pk;
    unsigned char hash[32];
    int ret;

    load_public_key(&pk, public_key);
    assert_int_equal(mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                (const unsigned char *)m->text, m->len, hash),
                     0);
    ret = mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig,
                            sig_len);
    mbedtls_pk_free(&pk);
    return ret;
}

/* Sign from a heap copy of exactly len bytes, so that valgrind sees any
 * read past the key text. */
static rucio_status sign_exact_copy(const char *key, size_t len, char *out)
{
    char *copy = malloc(len ? len : 1);
    rucio_status st;

    assert_non_null(copy);
    memcpy(copy, key, len);
    st = sign_challenge(copy, len, out);
    free(copy);
    return st;
}

/* ---- Equality with Rucio, framing, verification -------------------------- */

static void test_signatures_match_rucio(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(vectors); i++) {
        const sign_vector *v = &vectors[i];
        message m = message_of(v->message);
        char out[SIG_CAP];
        unsigned char sig[512];
        size_t n = 0;

        print_message("vector %zu\n", i);
        assert_int_equal(sign_with_seed(v->key, v->key_len, &m, 1, out,
                                        sizeof out, &n),
                         RUCIO_OK);
        assert_string_equal(out, v->expected);
        assert_int_equal(n, strlen(v->expected));
        assert_blob_framing(out, v->key_bytes, sig);
        assert_int_equal(verify_signature(v->public_key, &m, sig,
                                          v->key_bytes),
                         0);
    }
}

static void test_rsa2048_blob_is_276_bytes_368_chars(void **state)
{
    char out[SIG_CAP];
    unsigned char blob[BLOB_CAP];

    (void)state;
    assert_int_equal(sign_challenge(KEY(KEY_RSA2048_OPENSSH), out), RUCIO_OK);
    assert_int_equal(strlen(out), 368);
    assert_int_equal(base64_decode(out, 368, blob, sizeof blob), 276);
    assert_memory_equal(blob, "\0\0\0\x0crsa-sha2-256\0\0\x01\0", 20);
}

static void test_signature_does_not_depend_on_rng(void **state)
{
    static const uint64_t seeds[] = {1, 2, 0x9e3779b97f4a7c15u,
                                     0xfffffffffffffffeu};
    message m = message_of(MSG_CHALLENGE);
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(seeds); i++) {
        char out[SIG_CAP];
        size_t n;

        assert_int_equal(sign_with_seed(KEY(KEY_RSA2048_PEM), &m, seeds[i],
                                        out, sizeof out, &n),
                         RUCIO_OK);
        assert_string_equal(out, expected_for(KEY_RSA2048_PEM, MSG_CHALLENGE));
    }
}

/* The verification above can fail: another message or another key. */
static void test_verification_rejects_other_message_and_key(void **state)
{
    message m = message_of(MSG_CHALLENGE);
    message other = message_of(MSG_EMPTY);
    unsigned char sig[256];

    (void)state;
    assert_blob_framing(expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE), 256,
                        sig);
    assert_int_equal(verify_signature(PUB_RSA2048_OPENSSH, &m, sig, 256), 0);
    assert_int_not_equal(verify_signature(PUB_RSA2048_OPENSSH, &other, sig,
                                          256),
                         0);
    assert_int_not_equal(verify_signature(PUB_RSA2048_PEM, &m, sig, 256), 0);
}

/* ---- Key text forms ------------------------------------------------------ */

static void assert_crlf_variant_signs(const char *key)
{
    char text[TEXT_CAP];
    char out[SIG_CAP];
    size_t at = 0;

    for (; *key; key++) {
        if (*key == '\n')
            text[at++] = '\r';
        text[at++] = *key;
    }
    assert_int_equal(sign_exact_copy(text, at, out), RUCIO_OK);
}

static void test_crlf_line_breaks(void **state)
{
    (void)state;
    assert_crlf_variant_signs(KEY_RSA2048_OPENSSH);
    assert_crlf_variant_signs(KEY_RSA2048_PEM);
    assert_crlf_variant_signs(KEY_RSA2048_PKCS8);
}

static void test_key_text_needs_no_nul_and_may_have_other_text(void **state)
{
    char text[TEXT_CAP];
    char out[SIG_CAP];
    int len;

    (void)state;
    assert_int_equal(sign_exact_copy(KEY(KEY_RSA2048_OPENSSH), out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));
    /* Without its final line break, and with text around it. */
    assert_int_equal(sign_exact_copy(KEY_RSA2048_PEM,
                                     sizeof KEY_RSA2048_PEM - 2, out),
                     RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_PEM, MSG_CHALLENGE));
    len = snprintf(text, sizeof text, "Bag Attributes\n%s\ntrailing words\n",
                   KEY_RSA2048_PKCS8);
    assert_int_equal(sign_exact_copy(text, (size_t)len, out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_PKCS8, MSG_CHALLENGE));
}

/* ---- Refused keys -------------------------------------------------------- */

static void assert_refused(const char *key, size_t len, rucio_status want)
{
    char out[SIG_CAP] = "not cleared";

    assert_int_equal(sign_exact_copy(key, len, out), want);
    assert_string_equal(out, "");
}

static void test_unsupported_keys(void **state)
{
    (void)state;
    assert_refused(KEY(KEY_ED25519_OPENSSH), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_ECDSA_OPENSSH), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_EC_PEM), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_ED25519_PKCS8), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_EC_PKCS8), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_EC_SECT163K1_PKCS8), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_RSA4104_PEM), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_RSA2048_OPENSSH_ENCRYPTED), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_RSA1024_PEM_ENCRYPTED), RUCIO_E_UNSUPPORTED);
    assert_refused(KEY(KEY_RSA1024_PKCS8_ENCRYPTED), RUCIO_E_UNSUPPORTED);
}

static void test_invalid_keys(void **state)
{
    static const char *const garbage[] = {
        "",
        "not a key",
        PUB_RSA2048_OPENSSH,
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----AAAA\n-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
        "-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "-----END OPENSSH PRIVATE KEY-----\n",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n"
        "-----END OPENSSH PRIVATE KEY-----\n",
        /* "openssh-key-v1" without its NUL */
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n"
        "-----END OPENSSH PRIVATE KEY-----\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(garbage); i++) {
        print_message("garbage %zu\n", i);
        assert_refused(garbage[i], strlen(garbage[i]), RUCIO_E_INVALID_ARG);
    }
}

/* A PKCS#1 key whose modulus no longer matches p * q. */
static void test_inconsistent_pkcs1_key(void **state)
{
    unsigned char der[BLOB_CAP];
    char text[TEXT_CAP];
    size_t len = pem_body(KEY_RSA2048_PEM, der, sizeof der);

    (void)state;
    /* 30 82 04 a2, 02 01 00, 02 82 01 01 00: n starts at offset 12. */
    assert_memory_equal(der + 7, "\x02\x82\x01\x01\x00", 5);
    der[100] ^= 0x01;
    len = armor("RSA PRIVATE KEY", der, len, text, sizeof text);
    assert_refused(text, len, RUCIO_E_INVALID_ARG);
}

/* Blocks longer than the largest key accepted are a key too large. */
static void test_oversized_blocks(void **state)
{
    size_t body = (size_t)RUCIO_SSH_KEY_MAX_BITS * 4;
    size_t cap = body + body / 64 + 128;
    char *text = malloc(cap);
    size_t i;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < 2; i++) {
        const char *label = i == 0 ? "RSA PRIVATE KEY" : "OPENSSH PRIVATE KEY";
        size_t at = (size_t)snprintf(text, cap, "-----BEGIN %s-----\n", label);
        size_t j;

        for (j = 0; j < body; j++) {
            text[at++] = 'A';
            if (j % 64 == 63)
                text[at++] = '\n';
        }
        at += (size_t)snprintf(text + at, cap - at, "-----END %s-----\n",
                               label);
        assert_refused(text, at, RUCIO_E_UNSUPPORTED);
    }
    free(text);
}

/* Every prefix of the text up to the END marker lacks the marker. */
static void test_truncated_openssh_text(void **state)
{
    static const char end[] = "-----END OPENSSH PRIVATE KEY-----";
    size_t complete =
        (size_t)(strstr(KEY_RSA2048_OPENSSH, end) - KEY_RSA2048_OPENSSH) +
        sizeof end - 1;
    char out[SIG_CAP];
    size_t len;

    (void)state;
    for (len = 0; len < complete; len++)
        assert_refused(KEY_RSA2048_OPENSSH, len, RUCIO_E_INVALID_ARG);
    assert_int_equal(sign_exact_copy(KEY_RSA2048_OPENSSH, complete, out),
                     RUCIO_OK);
}

/* Every prefix of the decoded container, correctly armored. */
static void test_truncated_openssh_container(void **state)
{
    unsigned char blob[BLOB_CAP];
    char text[TEXT_CAP];
    char out[SIG_CAP];
    size_t blob_len = pem_body(KEY_RSA2048_OPENSSH, blob, sizeof blob);
    size_t len;

    (void)state;
    for (len = 0; len < blob_len; len++) {
        size_t text_len =
            armor("OPENSSH PRIVATE KEY", blob, len, text, sizeof text);

        assert_refused(text, text_len, RUCIO_E_INVALID_ARG);
    }
    len = armor("OPENSSH PRIVATE KEY", blob, blob_len, text, sizeof text);
    assert_int_equal(sign_exact_copy(text, len, out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));
}

/* ---- OpenSSH containers rebuilt with one defect each --------------------- */

typedef struct openssh_parts {
    span magic, cipher, kdf, kdf_options;
    uint32_t nkeys;
    span pub_type, pub_e, pub_n;
    uint32_t check1, check2;
    span type, n, e, d, iqmp, p, q, comment;
    size_t pad_len;              /* SIZE_MAX: 1, 2, 3, ... up to a block */
    unsigned char pad_last_xor;  /* flipped into the last padding byte */
    span trailing;               /* after the private section */
} openssh_parts;

typedef struct writer {
    unsigned char *p;
    size_t len, cap;
} writer;

static void put_bytes(writer *w, const void *p, size_t n)
{
    assert_true(n <= w->cap - w->len);
    memcpy(w->p + w->len, p, n);
    w->len += n;
}

static void put_u32(writer *w, uint32_t v)
{
    unsigned char b[4];

    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
    put_bytes(w, b, 4);
}

static void put_string(writer *w, span s)
{
    put_u32(w, (uint32_t)s.len);
    put_bytes(w, s.p, s.len);
}

static size_t build_private_section(const openssh_parts *k,
                                    unsigned char *out, size_t cap)
{
    writer w = {out, 0, cap};
    size_t pad, i;

    put_u32(&w, k->check1);
    put_u32(&w, k->check2);
    put_string(&w, k->type);
    put_string(&w, k->n);
    put_string(&w, k->e);
    put_string(&w, k->d);
    put_string(&w, k->iqmp);
    put_string(&w, k->p);
    put_string(&w, k->q);
    put_string(&w, k->comment);
    pad = k->pad_len == SIZE_MAX ? (8 - w.len % 8) % 8 : k->pad_len;
    for (i = 1; i <= pad; i++) {
        unsigned char b = (unsigned char)i;

        if (i == pad)
            b ^= k->pad_last_xor;
        put_bytes(&w, &b, 1);
    }
    return w.len;
}

static size_t build_container(const openssh_parts *k, unsigned char *out,
                              size_t cap)
{
    unsigned char pub[BLOB_CAP], priv[BLOB_CAP];
    writer w = {pub, 0, sizeof pub};
    span pub_span, priv_span;

    put_string(&w, k->pub_type);
    put_string(&w, k->pub_e);
    put_string(&w, k->pub_n);
    pub_span.p = pub;
    pub_span.len = w.len;
    priv_span.p = priv;
    priv_span.len = build_private_section(k, priv, sizeof priv);
    w.p = out;
    w.len = 0;
    w.cap = cap;
    put_bytes(&w, k->magic.p, k->magic.len);
    put_string(&w, k->cipher);
    put_string(&w, k->kdf);
    put_string(&w, k->kdf_options);
    put_u32(&w, k->nkeys);
    put_string(&w, pub_span);
    put_string(&w, priv_span);
    put_bytes(&w, k->trailing.p, k->trailing.len);
    return w.len;
}

/* Split a real container (kept in blob) into its fields. */
static void split_container(const unsigned char *blob, size_t len,
                            openssh_parts *k)
{
    span s = {blob, len}, pub, priv;

    memset(k, 0, sizeof *k);
    k->magic.p = blob;
    k->magic.len = 15;
    s.p += 15;
    s.len -= 15;
    assert_true(take_string(&s, &k->cipher) && take_string(&s, &k->kdf) &&
                take_string(&s, &k->kdf_options) && take_u32(&s, &k->nkeys) &&
                take_string(&s, &pub) && take_string(&s, &priv));
    assert_int_equal(s.len, 0);
    assert_true(take_string(&pub, &k->pub_type) &&
                take_string(&pub, &k->pub_e) && take_string(&pub, &k->pub_n));
    assert_true(take_u32(&priv, &k->check1) && take_u32(&priv, &k->check2) &&
                take_string(&priv, &k->type) && take_string(&priv, &k->n) &&
                take_string(&priv, &k->e) && take_string(&priv, &k->d) &&
                take_string(&priv, &k->iqmp) && take_string(&priv, &k->p) &&
                take_string(&priv, &k->q) && take_string(&priv, &k->comment));
    k->pad_len = SIZE_MAX;
    k->trailing.p = blob;
    k->trailing.len = 0;
}

typedef struct openssh_fixture {
    unsigned char blob[BLOB_CAP];
    size_t blob_len;
    openssh_parts parts;
    unsigned char scratch[2][BLOB_CAP];
} openssh_fixture;

static int setup_openssh(void **state)
{
    openssh_fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    f->blob_len = pem_body(KEY_RSA2048_OPENSSH, f->blob, sizeof f->blob);
    split_container(f->blob, f->blob_len, &f->parts);
    *state = f;
    return 0;
}

static int teardown_openssh(void **state)
{
    free(*state);
    return 0;
}

static rucio_status sign_rebuilt(const openssh_parts *k, char *out)
{
    unsigned char blob[BLOB_CAP];
    char text[TEXT_CAP];
    size_t len = build_container(k, blob, sizeof blob);

    len = armor("OPENSSH PRIVATE KEY", blob, len, text, sizeof text);
    return sign_exact_copy(text, len, out);
}

static void assert_rebuilt_refused(const openssh_parts *k, rucio_status want)
{
    char out[SIG_CAP] = "not cleared";

    assert_int_equal(sign_rebuilt(k, out), want);
    assert_string_equal(out, "");
}

/* s with byte i xor-ed with x, in scratch. */
static span altered(span s, size_t i, unsigned char x, unsigned char *scratch)
{
    memcpy(scratch, s.p, s.len);
    scratch[i] ^= x;
    s.p = scratch;
    return s;
}

static void test_rebuilt_container_is_identical(void **state)
{
    openssh_fixture *f = *state;
    unsigned char blob[BLOB_CAP];
    char out[SIG_CAP];

    assert_int_equal(build_container(&f->parts, blob, sizeof blob),
                     f->blob_len);
    assert_memory_equal(blob, f->blob, f->blob_len);
    assert_int_equal(sign_rebuilt(&f->parts, out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));
}

static void test_container_defects(void **state)
{
    openssh_fixture *f = *state;
    openssh_parts k;

    k = f->parts;
    k.magic = SPAN("openssh-key-v2\0");
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.cipher = SPAN("aes256-ctr");
    assert_rebuilt_refused(&k, RUCIO_E_UNSUPPORTED);
    k = f->parts;
    k.kdf = SPAN("bcrypt");
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.kdf_options = SPAN("\0\0\0\0");
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.nkeys = 0;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.nkeys = 2;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.pub_type = SPAN("ssh-ed25519");
    assert_rebuilt_refused(&k, RUCIO_E_UNSUPPORTED);
    k = f->parts;
    k.trailing = SPAN("\0");
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
}

static void test_private_section_defects(void **state)
{
    openssh_fixture *f = *state;
    openssh_parts k;

    k = f->parts;
    k.check2 ^= 1;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.type = SPAN("ssh-dss");
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* The 2048-bit key needs 4 padding bytes; 5 misaligns the section,
     * 12 is a whole block too many. */
    k = f->parts;
    k.pad_len = 5;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.pad_len = 12;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.pad_last_xor = 0x80;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
}

static void test_rsa_number_defects(void **state)
{
    openssh_fixture *f = *state;
    openssh_parts k;
    unsigned char big[1 + RUCIO_SSH_KEY_MAX_BITS / 8];
    char out[SIG_CAP];

    /* Public and private halves disagree. */
    k = f->parts;
    k.pub_n = altered(k.pub_n, 100, 0x01, f->scratch[0]);
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    k = f->parts;
    k.pub_e = altered(k.pub_e, 0, 0x02, f->scratch[0]);
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* d no longer fits n, e, p, q (mbedtls_rsa_check_privkey). */
    k = f->parts;
    k.d = altered(k.d, 200, 0x01, f->scratch[0]);
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* A negative mpint: n without the 0x00 that keeps it positive. */
    k = f->parts;
    assert_int_equal(k.n.p[0], 0);
    k.n.p++;
    k.n.len--;
    k.pub_n = k.n;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* e = 0. */
    k = f->parts;
    k.e = SPAN("");
    k.pub_e = k.e;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* e = d = 1 "signs" in the clear, and mbedTLS's signing self-check
     * passes; mbedtls_rsa_check_privkey refuses it. */
    k = f->parts;
    k.e = SPAN("\x01");
    k.pub_e = k.e;
    k.d = k.e;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* A modulus one byte longer than the largest accepted. */
    memset(big, 0x5a, sizeof big);
    k = f->parts;
    k.n.p = big;
    k.n.len = sizeof big;
    k.pub_n = k.n;
    assert_rebuilt_refused(&k, RUCIO_E_UNSUPPORTED);
    /* Extra leading zero bytes are harmless, as in OpenSSH. */
    memset(f->scratch[1], 0, 3);
    memcpy(f->scratch[1] + 3, f->parts.n.p, f->parts.n.len);
    k = f->parts;
    k.n.p = f->scratch[1];
    k.n.len += 3;
    k.pub_n = k.n;
    assert_int_equal(sign_rebuilt(&k, out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));
}

/* ---- Arguments and output ------------------------------------------------ */

static void test_output_too_small_by_one(void **state)
{
    message m = message_of(MSG_CHALLENGE);
    char out[SIG_CAP];
    size_t n = 0;

    (void)state;
    strcpy(out, "not cleared");
    assert_int_equal(sign_with_seed(KEY(KEY_RSA2048_OPENSSH), &m, 1, out, 368,
                                    &n),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(n, 368);
    assert_string_equal(out, "");
    assert_int_equal(sign_with_seed(KEY(KEY_RSA2048_OPENSSH), &m, 1, out, 369,
                                    &n),
                     RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));
    assert_int_equal(sign_with_seed(KEY(KEY_RSA2048_OPENSSH), &m, 1, out, 0,
                                    &n),
                     RUCIO_E_NO_SPACE);
    n = 0;
    assert_int_equal(sign_with_seed(KEY(KEY_RSA4096_OPENSSH), &m, 1, out, 712,
                                    &n),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(n, 712);
    assert_int_equal(sign_with_seed(KEY(KEY_RSA4096_OPENSSH), &m, 1, out, 713,
                                    NULL),
                     RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA4096_OPENSSH, MSG_CHALLENGE));
}

static void test_bad_arguments(void **state)
{
    test_rng rng = {1};
    char out[SIG_CAP];
    size_t n;

    (void)state;
    assert_int_equal(rl_ssh_sign(NULL, 10, "m", 1, test_rng_fill, &rng, out,
                                 sizeof out, &n),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ssh_sign(KEY(KEY_RSA2048_PEM), NULL, 1,
                                 test_rng_fill, &rng, out, sizeof out, &n),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ssh_sign(KEY(KEY_RSA2048_PEM), "m", 1, NULL, NULL,
                                 out, sizeof out, &n),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ssh_sign(KEY(KEY_RSA2048_PEM), "m", 1,
                                 test_rng_fill, &rng, NULL, 10, &n),
                     RUCIO_E_INVALID_ARG);
    /* No message at all is the empty message. */
    assert_int_equal(rl_ssh_sign(KEY(KEY_RSA2048_PEM), NULL, 0,
                                 test_rng_fill, &rng, out, sizeof out, &n),
                     RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_PEM, MSG_EMPTY));
}

static void test_failing_rng(void **state)
{
    char out[SIG_CAP] = "not cleared";
    size_t n;

    (void)state;
    assert_int_equal(rl_ssh_sign(KEY(KEY_RSA2048_OPENSSH), "m", 1,
                                 failing_rng, NULL, out, sizeof out, &n),
                     RUCIO_E_INVALID_ARG);
    assert_string_equal(out, "");
}

/* ---- Defects the rebuild above cannot express (coverage) ------------------ */

/* A container with f's framing around a public blob and a private section
 * given as raw bytes, so that their inner lengths may lie. */
static rucio_status sign_raw_container(const openssh_parts *k, span pub,
                                       span priv, char *out)
{
    unsigned char blob[BLOB_CAP];
    char text[TEXT_CAP];
    writer w = {blob, 0, sizeof blob};
    size_t len;

    put_bytes(&w, k->magic.p, k->magic.len);
    put_string(&w, k->cipher);
    put_string(&w, k->kdf);
    put_string(&w, k->kdf_options);
    put_u32(&w, k->nkeys);
    put_string(&w, pub);
    put_string(&w, priv);
    len = armor("OPENSSH PRIVATE KEY", blob, w.len, text, sizeof text);
    return sign_exact_copy(text, len, out);
}

static size_t build_public_blob(const openssh_parts *k, unsigned char *out,
                                size_t cap)
{
    writer w = {out, 0, cap};

    put_string(&w, k->pub_type);
    put_string(&w, k->pub_e);
    put_string(&w, k->pub_n);
    return w.len;
}

static void assert_raw_refused(const openssh_parts *k, span pub, span priv)
{
    char out[SIG_CAP] = "not cleared";

    assert_int_equal(sign_raw_container(k, pub, priv, out),
                     RUCIO_E_INVALID_ARG);
    assert_string_equal(out, "");
}

static void test_cov_inner_lengths(void **state)
{
    openssh_fixture *f = *state;
    const openssh_parts *k = &f->parts;
    unsigned char *pub = f->scratch[0], *priv = f->scratch[1];
    span pub_s = {pub, 0}, priv_s = {priv, 0}, part = {priv, 0};
    char out[SIG_CAP];
    size_t at;

    pub_s.len = build_public_blob(k, pub, BLOB_CAP - 1);
    priv_s.len = build_private_section(k, priv, BLOB_CAP);
    /* Unchanged, the raw builder makes a key that signs. */
    assert_int_equal(sign_raw_container(k, pub_s, priv_s, out), RUCIO_OK);
    assert_string_equal(out, expected_for(KEY_RSA2048_OPENSSH, MSG_CHALLENGE));

    /* Public blob: the type's length, then e's, past the end; then one
     * byte more after n. */
    pub[0] = 0x7f;
    assert_raw_refused(k, pub_s, priv_s);
    pub[0] = 0;
    at = 4 + k->pub_type.len;
    pub[at] = 0x7f;
    assert_raw_refused(k, pub_s, priv_s);
    pub[at] = 0;
    pub[pub_s.len++] = 0;
    assert_raw_refused(k, pub_s, priv_s);
    pub_s.len--;

    /* Private section: empty; check words without a key type; the
     * comment's length past the end. */
    assert_raw_refused(k, pub_s, part);
    part.len = 8;
    assert_raw_refused(k, pub_s, part);
    at = 8 + 4 + k->type.len + 4 + k->n.len + 4 + k->e.len + 4 + k->d.len +
         4 + k->iqmp.len + 4 + k->p.len + 4 + k->q.len;
    priv[at] = 0x7f;
    assert_raw_refused(k, pub_s, priv_s);
}

static void test_cov_negative_private_number(void **state)
{
    openssh_fixture *f = *state;
    openssh_parts k = f->parts;
    message m = message_of(MSG_CHALLENGE);
    char out[SIG_CAP];

    /* d with its sign bit set: negative, refused in the private half. */
    assert_int_equal(k.d.p[0] & 0x80, 0);
    k.d = altered(k.d, 0, 0x80, f->scratch[0]);
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* The public n one byte shorter than the private one. */
    k = f->parts;
    k.pub_n.len--;
    assert_rebuilt_refused(&k, RUCIO_E_INVALID_ARG);
    /* Too small an output and nowhere to say how large it must be. */
    strcpy(out, "not cleared");
    assert_int_equal(sign_with_seed(KEY(KEY_RSA2048_OPENSSH), &m, 1, out, 10,
                                    NULL),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signatures_match_rucio),
        cmocka_unit_test(test_rsa2048_blob_is_276_bytes_368_chars),
        cmocka_unit_test(test_signature_does_not_depend_on_rng),
        cmocka_unit_test(test_verification_rejects_other_message_and_key),
        cmocka_unit_test(test_crlf_line_breaks),
        cmocka_unit_test(test_key_text_needs_no_nul_and_may_have_other_text),
        cmocka_unit_test(test_unsupported_keys),
        cmocka_unit_test(test_invalid_keys),
        cmocka_unit_test(test_inconsistent_pkcs1_key),
        cmocka_unit_test(test_oversized_blocks),
        cmocka_unit_test(test_truncated_openssh_text),
        cmocka_unit_test(test_truncated_openssh_container),
        cmocka_unit_test_setup_teardown(test_rebuilt_container_is_identical,
                                        setup_openssh, teardown_openssh),
        cmocka_unit_test_setup_teardown(test_container_defects, setup_openssh,
                                        teardown_openssh),
        cmocka_unit_test_setup_teardown(test_private_section_defects,
                                        setup_openssh, teardown_openssh),
        cmocka_unit_test_setup_teardown(test_rsa_number_defects, setup_openssh,
                                        teardown_openssh),
        cmocka_unit_test(test_output_too_small_by_one),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_failing_rng),
        cmocka_unit_test_setup_teardown(test_cov_inner_lengths, setup_openssh,
                                        teardown_openssh),
        cmocka_unit_test_setup_teardown(test_cov_negative_private_number,
                                        setup_openssh, teardown_openssh),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
