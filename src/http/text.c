/* rucio-lite: the byte classes of HTTP field names and values. */
#include "http/text.h"

#define T_ RL_HTTP_TEXT
#define N_ RL_HTTP_NAME
const uint8_t rl_http_byte_class[256] = {
    /* 0x00-0x1f: controls; only HTAB (0x09) is text */
    0, 0, 0, 0, 0, 0, 0, 0, 0, T_, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20: SP ! " # $ % & ' ( ) * + , - . / */
    T_, N_, T_, N_, N_, N_, N_, N_, T_, T_, N_, N_, T_, N_, N_, T_,
    /* 0x30: 0-9 : ; < = > ? */
    N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, T_, T_, T_, T_, T_, T_,
    /* 0x40: @ A-O */
    T_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_,
    /* 0x50: P-Z [ backslash ] ^ _ */
    N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, T_, T_, T_, N_, N_,
    /* 0x60: ` a-o */
    N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_,
    /* 0x70: p-z { | } ~ DEL */
    N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, T_, N_, T_, N_, 0,
    /* 0x80-0xff: obs-text */
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
    T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
};
