"""Words of the demo data: departments, access-list items, names, diary and supervision texts."""

from __future__ import annotations

DEPARTMENTS = [  # (name, line 条线)
    ("区民政局", "民政"),
    ("区卫生健康委员会", "卫健"),
    ("区人力资源和社会保障局", "人社"),
    ("区医疗保障局", "医保"),
    ("区城市管理局", "城管"),
    ("区委政法委员会", "综治"),
    ("区委组织部", "党建"),
    ("区应急管理局", "应急"),
]

# (item, department index, category, legal basis, status)
ACCESS_ITEMS = [
    (
        "高龄津贴申领初审",
        0,
        "civil_affairs",
        "《中华人民共和国老年人权益保障法》第三十三条",
        "approved",
    ),
    ("最低生活保障入户调查", 0, "civil_affairs", "《社会救助暂行办法》第十一条", "approved"),
    (
        "计划生育家庭特别扶助信息核实",
        1,
        "family_planning",
        "《中华人民共和国人口与计划生育法》第三十一条",
        "approved",
    ),
    ("就业困难人员登记认定", 2, "employment", "《中华人民共和国就业促进法》第五十二条", "approved"),
    (
        "城乡居民养老保险参保登记",
        2,
        "social_security",
        "《中华人民共和国社会保险法》第二十条",
        "approved",
    ),
    (
        "城乡居民医保参保缴费动员",
        3,
        "social_security",
        "《中华人民共和国社会保险法》第二十五条",
        "approved",
    ),
    (
        "违章搭建巡查上报",
        4,
        "urban_management",
        "《城市市容和环境卫生管理条例》第三十六条",
        "approved",
    ),
    (
        "矛盾纠纷排查化解",
        5,
        "comprehensive_management",
        "《中华人民共和国人民调解法》第八条",
        "approved",
    ),
    (
        "党员组织关系接转",
        6,
        "party_building",
        "《中国共产党党员教育管理工作条例》第二十七条",
        "approved",
    ),
    ("防汛应急避险转移", 7, "other", "《中华人民共和国防洪法》第四十五条", "approved"),
    ("居民健身器材年度统计报表", 1, "other", "无明确法律依据（部门自定报表）", "proposed"),
    ("社区创建达标评比材料", 4, "urban_management", "无明确法律依据（评比达标类）", "revoked"),
    ("临时机构台账报送", 5, "other", "无法律依据", "rejected"),
    (
        "老年人助餐服务需求摸排",
        0,
        "civil_affairs",
        "《安徽省老年人权益保障条例》第二十二条",
        "proposed",
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞建国志强海燕晓东文婷雪莉春梅立新宏伟"

DIARY_TEXTS = {
    "visit": [
        "走访独居老人，身体状况良好，提醒冬季用电安全。",
        "入户走访新迁入住户，登记家庭基本信息。",
    ],
    "mediation": [
        "调解楼上楼下漏水纠纷，双方同意共同维修。",
        "调解邻里噪音纠纷，约定晚十点后保持安静。",
    ],
    "publicity": ["宣传防范电信诈骗知识，发放宣传单。", "宣传医保缴费政策，解答居民咨询。"],
    "information_collection": ["核实出租房屋租住人员信息。", "采集小区电动车充电需求。"],
    "emergency": [
        "楼道堆放杂物存在消防隐患，已通知物业清理。",
        "暴雨后地下车库积水，协助转移车辆。",
    ],
    "other": ["居民反映路灯不亮，已记录待上报。", "居民建议增设快递柜。"],
}

WORK_TEXTS = [
    "核实辖区内符合条件的申请人员名单",
    "入户调查并填写调查表",
    "收集材料并录入系统",
    "组织居民开展专题宣传",
    "排查上报并跟踪整改",
]

SUPERVISION_TEXTS = {
    "government_work": ("区城市管理局", "反映背街小巷垃圾清运不及时，希望加强监管。"),
    "unit_social_responsibility": (
        "官塘农贸市场",
        "市场周边占道经营影响通行，请督促市场履行管理责任。",
    ),
    "residents_rights": ("某物业服务公司", "物业擅自提高停车收费标准，未征求业主意见。"),
    "cadre_conduct": ("某单位干部", "反映有干部工作日午间饮酒，请核查（八小时以外监督）。"),
}

INDICATORS = [  # (name, weight, kind, metric)
    ("签到率", 0.2, "measured", "check_in_rate"),
    ("按时办结率", 0.2, "measured", "on_time_rate"),
    ("监督回应率", 0.1, "measured", "supervision_response_rate"),
    ("工作态度", 0.2, "scored", None),
    ("群众满意度", 0.2, "scored", None),
    ("协作配合", 0.1, "scored", None),
]
