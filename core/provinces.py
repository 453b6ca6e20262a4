"""China's provincial-level divisions on the mainland, where CCER projects and holders are."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    BEIJING = "Beijing", _("Beijing 北京")
    TIANJIN = "Tianjin", _("Tianjin 天津")
    HEBEI = "Hebei", _("Hebei 河北")
    SHANXI = "Shanxi", _("Shanxi 山西")
    INNER_MONGOLIA = "Inner Mongolia", _("Inner Mongolia 内蒙古")
    LIAONING = "Liaoning", _("Liaoning 辽宁")
    JILIN = "Jilin", _("Jilin 吉林")
    HEILONGJIANG = "Heilongjiang", _("Heilongjiang 黑龙江")
    SHANGHAI = "Shanghai", _("Shanghai 上海")
    JIANGSU = "Jiangsu", _("Jiangsu 江苏")
    ZHEJIANG = "Zhejiang", _("Zhejiang 浙江")
    ANHUI = "Anhui", _("Anhui 安徽")
    FUJIAN = "Fujian", _("Fujian 福建")
    JIANGXI = "Jiangxi", _("Jiangxi 江西")
    SHANDONG = "Shandong", _("Shandong 山东")
    HENAN = "Henan", _("Henan 河南")
    HUBEI = "Hubei", _("Hubei 湖北")
    HUNAN = "Hunan", _("Hunan 湖南")
    GUANGDONG = "Guangdong", _("Guangdong 广东")
    GUANGXI = "Guangxi", _("Guangxi 广西")
    HAINAN = "Hainan", _("Hainan 海南")
    CHONGQING = "Chongqing", _("Chongqing 重庆")
    SICHUAN = "Sichuan", _("Sichuan 四川")
    GUIZHOU = "Guizhou", _("Guizhou 贵州")
    YUNNAN = "Yunnan", _("Yunnan 云南")
    TIBET = "Tibet", _("Tibet 西藏")
    SHAANXI = "Shaanxi", _("Shaanxi 陕西")
    GANSU = "Gansu", _("Gansu 甘肃")
    QINGHAI = "Qinghai", _("Qinghai 青海")
    NINGXIA = "Ningxia", _("Ningxia 宁夏")
    XINJIANG = "Xinjiang", _("Xinjiang 新疆")
